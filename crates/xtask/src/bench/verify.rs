//! After a run: every table and figure file exists, is not empty, and parses.

use std::path::Path;

use anyhow::{Context, bail, ensure};

use super::report::Results;

/// Checks one produced file by its extension.
pub fn check_file(path: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("{} is missing", path.display()))?;
    ensure!(!text.trim().is_empty(), "{} is empty", path.display());
    let what = path.display();
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let r: Results = serde_json::from_str(&text)
                .with_context(|| format!("{what} is not a results file"))?;
            ensure!(
                !r.measurements.is_empty() || !r.skipped.is_empty(),
                "{what} has no measurements and says nothing was skipped"
            );
            for m in &r.measurements {
                let s = m.summary;
                ensure!(
                    s.runs > 0
                        && s.min.is_finite()
                        && s.max.is_finite()
                        && s.min <= s.median
                        && s.median <= s.max,
                    "{what}: {} has an impossible summary {s:?}",
                    m.id
                );
            }
        }
        Some("md") => check_markdown(&text).with_context(|| format!("{what} is not a table"))?,
        Some("svg") => check_svg(&text).with_context(|| format!("{what} is not an SVG"))?,
        _ => bail!("{what}: unexpected file type"),
    }
    Ok(())
}

/// Every table has a header, a rule, and rows with the header's number of columns; the text
/// ends with the machine caption (an italic line) or says why it was skipped.
pub fn check_markdown(text: &str) -> anyhow::Result<()> {
    let mut cols: Option<usize> = None;
    let mut rule_seen = false;
    let mut tables = 0;
    for line in text.lines() {
        let l = line.trim();
        if !l.starts_with('|') {
            cols = None;
            continue;
        }
        ensure!(l.ends_with('|'), "a table row does not end with |: {l}");
        let n = l.matches('|').count() - 1;
        match cols {
            None => {
                cols = Some(n);
                rule_seen = false;
                tables += 1;
            }
            Some(c) => {
                ensure!(n == c, "a row has {n} columns, its header {c}: {l}");
                if !rule_seen {
                    ensure!(
                        l.chars().all(|ch| matches!(ch, '|' | '-' | ' ' | ':')),
                        "the line after a header is not a rule: {l}"
                    );
                    rule_seen = true;
                }
            }
        }
    }
    let skipped = text.contains("Skipped in this run");
    ensure!(tables > 0 || skipped, "no table and no reason why not");
    ensure!(
        text.lines()
            .any(|l| l.starts_with('_') && l.contains(" UTC ")),
        "no machine-and-date caption"
    );
    Ok(())
}

/// A whole `<svg>` document whose tags are balanced.
pub fn check_svg(text: &str) -> anyhow::Result<()> {
    let body = text.trim();
    ensure!(
        body.starts_with("<svg") || body.starts_with("<?xml"),
        "does not start with <svg"
    );
    ensure!(body.ends_with("</svg>"), "does not end with </svg>");
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').context("a tag is not closed")? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .with_context(|| format!("</{name}> closes nothing"))?;
            ensure!(open == name.trim(), "<{open}> closed by </{name}>");
        } else {
            let name = tag.split_whitespace().next().unwrap_or("");
            stack.push(name);
        }
    }
    ensure!(stack.is_empty(), "unclosed tags: {stack:?}");
    ensure!(body.contains("<text"), "no text: the caption is missing");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: &str = "_cpu, 2 cores, 2026-11-25 15:30 UTC · full mode_";

    #[test]
    fn a_good_table_passes() {
        let t = format!("| a | b |\n| - | - |\n| 1 | 2 |\n\n{CAP}\n");
        check_markdown(&t).unwrap();
    }

    #[test]
    fn a_ragged_table_fails() {
        let t = format!("| a | b |\n| - | - |\n| 1 | 2 | 3 |\n\n{CAP}\n");
        assert!(
            check_markdown(&t)
                .unwrap_err()
                .to_string()
                .contains("columns")
        );
    }

    #[test]
    fn a_table_without_caption_fails() {
        let t = "| a | b |\n| - | - |\n| 1 | 2 |\n";
        assert!(
            check_markdown(t)
                .unwrap_err()
                .to_string()
                .contains("caption")
        );
    }

    #[test]
    fn a_balanced_svg_passes_and_a_truncated_one_fails() {
        let good = r#"<svg width="1"><g><text x="1">a &lt; b</text><rect/></g></svg>"#;
        check_svg(good).unwrap();
        let cut = r#"<svg width="1"><g><text x="1">a</text></svg>"#;
        assert!(check_svg(cut).is_err());
        assert!(check_svg("<svg><g></g>").is_err());
    }
}
