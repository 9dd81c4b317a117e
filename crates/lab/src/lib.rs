//! The student's runner: every `cargo lab` subcommand lives in a module here, so tests can
//! drive them too. The maintainers' commands (verify, loom, tsan, bench, book-check, test-all)
//! are in the `xtask` crate, which uses this one.

#![forbid(unsafe_code)]

pub mod book;
pub mod busy;

pub mod demo;
pub mod demo_processes;
pub mod examples;
pub mod mpi;

pub mod runner;
pub mod surprises;
pub mod welcome;

use std::path::{Path, PathBuf};

/// The workspace root (where the top-level `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the lab crate sits two levels below the workspace root")
}

/// The target directory cargo builds into: `CARGO_TARGET_DIR`, or `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Groups a number's digits in threes: `group_digits(1048576, ',')` is `"1,048,576"`.
pub fn group_digits(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A table printed with aligned columns: the lab's one way to show results in a terminal.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends one row (missing cells print empty).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Renders as a Markdown table with padded columns (readable raw and rendered).
    pub fn render(&self) -> String {
        let cols = self
            .header
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
        let width = |i: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .map(|r| cell(r, i).chars().count())
                .max()
                .unwrap_or(0)
                .max(3)
        };
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let line = |row: &[String]| {
            let cells: Vec<String> = (0..cols)
                .map(|i| format!("{:<w$}", cell(row, i), w = widths[i]))
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = line(&self.header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Table, group_digits};

    #[test]
    fn digits_are_grouped_in_threes_from_the_right() {
        assert_eq!(group_digits(0, ','), "0");
        assert_eq!(group_digits(999, ','), "999");
        assert_eq!(group_digits(1_000, ','), "1,000");
        assert_eq!(group_digits(1_048_576, ' '), "1 048 576");
        assert_eq!(group_digits(u64::MAX, ','), "18,446,744,073,709,551,615");
    }

    #[test]
    fn table_pads_columns_and_draws_a_markdown_rule() {
        let mut t = Table::new(["kernel", "lost"]);
        t.row(["racy", "1234"]).row(["atomic", "0"]);
        assert_eq!(
            t.render(),
            "| kernel | lost |\n| ------ | ---- |\n| racy   | 1234 |\n| atomic | 0    |\n"
        );
    }
}
