//! The claims ledger: `mdbook/src/claims.md` holds one table whose rows come from fragment files
//! `mdbook/src/ledger/<area>.md`, one per area of the lab. Each row is
//! `| ID | claim | witnesses | command |`.
//!
//! [`check`] fails (returns problems) when a fragment is malformed or not included, when a
//! witness does not exist, when a command names a package or test target that does not exist,
//! or when a required claim has no row. Witness forms (see `/work/team-notes.md`):
//! - `test:<package>::<fn_name>`: a `fn <fn_name>` in some `.rs` file under the package's directory;
//! - `bench:<id>`: `<id>` appears in `crates/*/benches/*.rs` or `crates/xtask/src/bench*`;
//! - `file:<path>`: a file at that path from the repository root.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::Problem;
use super::source;

/// Every claim the book must back: the article's claims, the corrections, the kernels' safety.
pub const REQUIRED_IDS: &[&str] = &[
    "S1",
    "S2",
    "S3",
    "S4",
    "S5",
    "S6",
    "M1",
    "M2",
    "M3",
    "M4",
    "M5",
    "M6",
    "K-racy",
    "K-mutex-c",
    "K-mutex-rust",
    "K-atomic",
    "K-sharded",
    "K-isolated",
];

/// One ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it is: `ledger/<area>.md:<line>`.
    pub place: String,
    /// `S1`, `K-racy`, ...
    pub id: String,
    /// The claim in plain words.
    pub claim: String,
    /// The backticked items of the witnesses column.
    pub witnesses: Vec<String>,
    /// The backticked items of the command column.
    pub commands: Vec<String>,
}

/// Splits a Markdown table row into cells: `|` separates cells except inside backticks or
/// when escaped as `\|`. Returns `None` when the line is not a table row.
pub fn cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if !t.starts_with('|') || !t.ends_with('|') || t.len() < 2 {
        return None;
    }
    let inner = &t[1..t.len() - 1];
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_code = false;
    let mut prev = '\0';
    for c in inner.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                cur.push(c);
            }
            '|' if !in_code && prev != '\\' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
        prev = c;
    }
    out.push(cur);
    Some(out.into_iter().map(|c| c.trim().to_string()).collect())
}

/// The contents of each backtick span in `cell`.
pub fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Parses one fragment. Malformed lines become problems; good lines become rows.
pub fn parse_fragment(name: &str, text: &str) -> (Vec<Row>, Vec<Problem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let place = format!("{name}:{}", i + 1);
        let mut bad = |message: String| {
            problems.push(Problem {
                place: place.clone(),
                message,
            })
        };
        if line.trim().is_empty() {
            // A blank line would end the table in the middle of claims.md.
            bad("a blank line: fragments hold only table rows, one per line".into());
            continue;
        }
        let Some(cs) = cells(line) else {
            bad("not a table row (`| ID | claim | witnesses | command |`)".into());
            continue;
        };
        if cs.len() != 4 {
            bad(format!("{} columns, expected 4", cs.len()));
            continue;
        }
        if cs
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            bad("a header rule: fragments have no header (claims.md has it)".into());
            continue;
        }
        if cs[0] == "ID" {
            bad("a header row: fragments have no header (claims.md has it)".into());
            continue;
        }
        let row = Row {
            place: place.clone(),
            id: cs[0].clone(),
            claim: cs[1].clone(),
            witnesses: backticked(&cs[2]),
            commands: backticked(&cs[3]),
        };
        if row.id.is_empty() || row.id.contains(char::is_whitespace) {
            bad(format!("`{}` is not an ID", row.id));
        }
        if row.claim.is_empty() {
            bad("the claim is empty".into());
        }
        if row.witnesses.is_empty() {
            bad("no witness: name at least one `test:..`, `bench:..` or `file:..`".into());
        }
        if row.commands.is_empty() {
            bad("no command: put the command that reruns it in backticks".into());
        }
        rows.push(row);
    }
    (rows, problems)
}

/// The repository as the ledger sees it: packages and where they live.
#[derive(Debug)]
pub struct Repo {
    root: PathBuf,
    /// Package name → its directory.
    packages: BTreeMap<String, PathBuf>,
}

impl Repo {
    /// Scans `root` for Cargo packages (skipping `target/`, hidden directories and the book).
    pub fn scan(root: &Path) -> Self {
        let mut packages = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let manifest = dir.join("Cargo.toml");
            if let Some(name) = fs::read_to_string(&manifest)
                .ok()
                .and_then(|t| package_name(&t))
            {
                packages.insert(name, dir.clone());
            }
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if p.is_dir() && !name.starts_with('.') && name != "target" && name != "mdbook" {
                    stack.push(p);
                }
            }
        }
        Repo {
            root: root.to_path_buf(),
            packages,
        }
    }

    /// Why `witness` does not exist, or `None` when it does.
    pub fn missing_witness(&self, witness: &str) -> Option<String> {
        if let Some(rest) = witness.strip_prefix("test:") {
            let Some((pkg, func)) = rest.split_once("::") else {
                return Some(format!("`{witness}`: write `test:<package>::<fn_name>`"));
            };
            let Some(dir) = self.packages.get(pkg) else {
                return Some(format!("`{witness}`: no package named `{pkg}`"));
            };
            if func.is_empty() || !func.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Some(format!("`{witness}`: `{func}` is not a function name"));
            }
            if rust_files(dir).iter().any(|f| defines_fn(f, func)) {
                return None;
            }
            return Some(format!(
                "`{witness}`: no `fn {func}` in any .rs file under {}",
                rel(&self.root, dir)
            ));
        }
        if let Some(id) = witness.strip_prefix("bench:") {
            if id.is_empty() {
                return Some(format!("`{witness}`: empty benchmark id"));
            }
            if self
                .bench_sources()
                .iter()
                .any(|f| fs::read_to_string(f).is_ok_and(|t| t.contains(id)))
            {
                return None;
            }
            return Some(format!(
                "`{witness}`: `{id}` appears in no benchmark source \
                 (crates/*/benches/*.rs, crates/xtask/src/bench*)"
            ));
        }
        if let Some(path) = witness.strip_prefix("file:") {
            if !path.is_empty() && !path.contains("..") && self.root.join(path).is_file() {
                return None;
            }
            return Some(format!("`{witness}`: no such file"));
        }
        Some(format!(
            "`{witness}`: unknown witness form (use `test:pkg::fn`, `bench:id` or `file:path`)"
        ))
    }

    /// Why `command` names something that does not exist, or `None`.
    pub fn bad_command(&self, command: &str) -> Option<String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let Some(&first) = words.first() else {
            return Some("an empty command".into());
        };
        if !["cargo", "bash", "sh", "make", "gcc", "cc"].contains(&first) {
            return Some(format!(
                "`{command}`: expected a `cargo ...` or `bash ...` command"
            ));
        }
        let mut package = None;
        let mut tests = Vec::new();
        for pair in words.windows(2) {
            match pair[0] {
                "-p" | "--package" => package = Some(pair[1]),
                "--test" => tests.push(pair[1]),
                _ => {}
            }
        }
        let dir = match package {
            Some(p) => match self.packages.get(p) {
                Some(d) => Some(d),
                None => return Some(format!("`{command}`: no package named `{p}`")),
            },
            None => None,
        };
        for t in tests {
            let found = match dir {
                Some(d) => has_test_target(d, t),
                None => self.packages.values().any(|d| has_test_target(d, t)),
            };
            if !found {
                return Some(format!("`{command}`: no test target named `{t}`"));
            }
        }
        None
    }

    fn bench_sources(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.root.join("crates"))
            .into_iter()
            .flatten()
            .flatten()
        {
            out.extend(
                rust_files(&entry.path().join("benches"))
                    .into_iter()
                    .filter(|f| f.parent() == Some(&entry.path().join("benches"))),
            );
        }
        let lab_src = self.root.join("crates/xtask/src");
        for entry in fs::read_dir(&lab_src).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("bench") {
                let p = entry.path();
                if p.is_dir() {
                    out.extend(rust_files(&p));
                } else {
                    out.push(p);
                }
            }
        }
        out
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// `name = "..."` in the `[package]` table of a Cargo.toml.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
        } else if in_package && let Some(v) = t.strip_prefix("name") {
            let v = v.trim_start().strip_prefix('=')?.trim();
            return Some(v.trim_matches('"').to_string());
        }
    }
    None
}

/// A test target named `name` in the package at `dir`: `tests/<name>.rs`, `tests/<name>/main.rs`,
/// or a `[[test]]` with `name = "<name>"` in its Cargo.toml.
fn has_test_target(dir: &Path, name: &str) -> bool {
    if dir.join("tests").join(format!("{name}.rs")).is_file()
        || dir.join("tests").join(name).join("main.rs").is_file()
    {
        return true;
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let mut in_test = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_test = t == "[[test]]";
        } else if in_test
            && t.starts_with("name")
            && t.split_once('=')
                .is_some_and(|(_, v)| v.trim().trim_matches('"') == name)
        {
            return true;
        }
    }
    false
}

/// Every `.rs` file under `dir`, skipping `target/`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// Whether `file` defines `fn <name>` (followed by `(` or `<`, so a longer name does not count).
fn defines_fn(file: &Path, name: &str) -> bool {
    let Ok(text) = fs::read_to_string(file) else {
        return false;
    };
    let needle = format!("fn {name}");
    text.match_indices(&needle).any(|(at, _)| {
        let before_ok = at == 0
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = text[at + needle.len()..].trim_start();
        before_ok && (after.starts_with('(') || after.starts_with('<'))
    })
}

/// Checks the ledger of the book at `book_src` (`mdbook/src`) against the repository at `root`.
pub fn check(root: &Path, book_src: &Path) -> (Vec<Row>, Vec<Problem>) {
    let mut problems = Vec::new();
    let claims_path = book_src.join("claims.md");
    let claims = match fs::read_to_string(&claims_path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem {
                place: "claims.md".into(),
                message: format!("cannot read it: {e}"),
            });
            return (Vec::new(), problems);
        }
    };
    // claims.md: one header row with 4 columns, a rule, then only include directives.
    let mut included = Vec::new();
    let mut own_rows = 0;
    for (i, line) in claims.lines().enumerate() {
        if let Some(cs) = cells(line) {
            own_rows += 1;
            if cs.len() != 4 {
                problems.push(Problem {
                    place: format!("claims.md:{}", i + 1),
                    message: format!("{} columns, expected 4", cs.len()),
                });
            }
        }
    }
    for d in source::directives(&claims) {
        match d.path.strip_prefix("ledger/") {
            Some(name) if d.selector.is_none() => included.push(name.to_string()),
            _ => problems.push(Problem {
                place: format!("claims.md:{}", d.line),
                message: format!(
                    "`{}`: the ledger includes only whole `ledger/*.md` fragments",
                    d.path
                ),
            }),
        }
    }
    if own_rows != 2 {
        problems.push(Problem {
            place: "claims.md".into(),
            message: format!(
                "{own_rows} table lines typed in claims.md: it holds only the header and its rule; \
                 rows live in ledger/<area>.md fragments"
            ),
        });
    }

    let mut fragments: Vec<String> = fs::read_dir(book_src.join("ledger"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    fragments.sort();
    for f in &fragments {
        if !included.contains(f) {
            problems.push(Problem {
                place: format!("ledger/{f}"),
                message: "this fragment is not included in claims.md: add `{{#include ledger/<name>.md}}`"
                    .replace("<name>.md", f),
            });
        }
    }

    let repo = Repo::scan(root);
    let mut rows = Vec::new();
    for name in &included {
        let path = book_src.join("ledger").join(name);
        let Ok(text) = fs::read_to_string(&path) else {
            problems.push(Problem {
                place: format!("ledger/{name}"),
                message: "included by claims.md but does not exist (not written yet?)".into(),
            });
            continue;
        };
        let (rs, ps) = parse_fragment(&format!("ledger/{name}"), &text);
        problems.extend(ps);
        for row in &rs {
            for w in &row.witnesses {
                if let Some(why) = repo.missing_witness(w) {
                    problems.push(Problem {
                        place: row.place.clone(),
                        message: format!("{} witness {why}", row.id),
                    });
                }
            }
            for c in &row.commands {
                if let Some(why) = repo.bad_command(c) {
                    problems.push(Problem {
                        place: row.place.clone(),
                        message: format!("{} command {why}", row.id),
                    });
                }
            }
        }
        rows.extend(rs);
    }
    for id in REQUIRED_IDS {
        if !rows.iter().any(|r| r.id == *id) {
            problems.push(Problem {
                place: "claims.md".into(),
                message: format!("required claim {id} has no row in any ledger fragment"),
            });
        }
    }
    (rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_on_pipes_outside_backticks_and_escapes() {
        assert_eq!(
            cells("| S1 | a \\| b | `test:x::y`, `a|b` | `cargo test` |").unwrap(),
            vec!["S1", "a \\| b", "`test:x::y`, `a|b`", "`cargo test`"]
        );
        assert_eq!(cells("not a row"), None);
        assert_eq!(backticked("`a`, `b c`"), vec!["a", "b c"]);
    }

    #[test]
    fn fragments_reject_headers_blank_lines_and_missing_columns() {
        let text = "| S1 | claim | `file:x` | `cargo test` |\n\n| ID | claim | w | c |\n\
                    | --- | --- | --- | --- |\n| S2 | claim | `file:x` |\n| S3 | claim | none | `cargo t` |\n";
        let (rows, problems) = parse_fragment("f.md", text);
        assert_eq!(rows.len(), 2, "S1 and S3 parse");
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 5, "{msgs:#?}");
        assert!(msgs[0].starts_with("f.md:2: a blank line"));
        assert!(msgs[1].contains("header row"));
        assert!(msgs[2].contains("header rule"));
        assert!(msgs[3].starts_with("f.md:5: 3 columns"));
        assert!(msgs[4].starts_with("f.md:6: no witness"));
    }

    fn repo() -> Repo {
        Repo::scan(&lab::workspace_root())
    }

    #[test]
    fn test_witnesses_need_an_existing_package_and_function() {
        let r = repo();
        // This very function is a witness that exists.
        assert_eq!(
            r.missing_witness("test:xtask::test_witnesses_need_an_existing_package_and_function"),
            None
        );
        assert!(
            r.missing_witness("test:xtask::no_such_function_anywhere_xyz")
                .is_some()
        );
        assert!(
            r.missing_witness("test:xtask::test_witnesses_need")
                .is_some(),
            "a prefix"
        );
        assert!(r.missing_witness("test:no-such-package::f").is_some());
        assert!(r.missing_witness("test:lab").is_some());
        assert!(r.missing_witness("proof:lab::x").is_some());
    }

    #[test]
    fn file_and_bench_witnesses_are_looked_up() {
        let r = repo();
        assert_eq!(r.missing_witness("file:c_src/counter.c"), None);
        assert!(r.missing_witness("file:c_src/nope.c").is_some());
        assert!(r.missing_witness("file:../etc/passwd").is_some());
        assert!(
            r.missing_witness("bench:an-id-that-no-benchmark-has-0x5eed")
                .is_some()
        );
    }

    #[test]
    fn commands_must_name_real_packages_and_test_targets() {
        let r = repo();
        assert_eq!(r.bad_command("cargo test -p ffi --test properties"), None);
        assert_eq!(r.bad_command("cargo xtask book-check"), None);
        assert!(r.bad_command("cargo test -p nope").is_some());
        assert!(r.bad_command("cargo test -p ffi --test nope").is_some());
        assert!(r.bad_command("rm -rf /").is_some());
    }
}
