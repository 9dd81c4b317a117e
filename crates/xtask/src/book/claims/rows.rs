//! A ledger fragment's lines, read as the rows of the table they become in `claims.md`.
//!
//! A fragment has no header: mdbook pastes it under the header in `claims.md`, so each line must
//! be a complete row on its own. Cells are split by `pulldown-cmark` (GFM tables, as mdbook
//! renders them): a `|` separates cells even inside backticks, and only `\|` does not. That is
//! why a row is counted here rather than in the rendered table: the renderer pads a short row
//! and silently drops the cells of a long one, and neither is what the author meant.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::super::Problem;
use crate::book::source::markdown_options;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// What was typed between the pipes, trimmed (Markdown).
    pub source: String,
    /// The contents of each inline code span (`` `...` ``) in the cell, in order.
    pub code: Vec<String>,
}

/// One ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it is: `ledger/<area>.md:<line>`.
    pub place: String,
    /// `S1`, `K-racy`, ...
    pub id: String,
    /// The anchor the ID cell opens with (`<a id="s1"></a>S1`), if any: the first row of each
    /// ID carries it, so chapters can link to `claims.md#s1`.
    pub anchor: Option<String>,
    /// The claim in plain words.
    pub claim: String,
    /// The code spans of the witnesses column.
    pub witnesses: Vec<String>,
    /// The code spans of the command column.
    pub commands: Vec<String>,
}

/// More cells than any ledger row has: a line with more is not read as a row.
const MAX_CELLS: usize = 16;

/// The cells of `line`, one table row written as the house style has it (starting and ending
/// with `|`), split as mdbook's Markdown parser splits it. `None` when it is not such a row.
pub fn cells(line: &str) -> Option<Vec<Cell>> {
    let t = line.trim();
    if !t.starts_with('|') || !t.ends_with('|') || t.len() < 2 {
        return None;
    }
    // GFM recognises a table only when its delimiter row has exactly as many cells as its
    // header row, so the line, read as a header, tells its own width.
    (1..=MAX_CELLS).find_map(|n| header_cells(t, n))
}

/// The cells of `line` read as the header of a table whose delimiter row has `n` cells, or
/// `None` when that is not a table.
fn header_cells(line: &str, n: usize) -> Option<Vec<Cell>> {
    let md = format!("{line}\n|{}\n", "-|".repeat(n));
    let mut cells = Vec::new();
    let mut in_head = false;
    let mut cell: Option<Cell> = None;
    for (event, range) in Parser::new_ext(&md, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => break,
            Event::Start(Tag::TableCell) if in_head => {
                cell = Some(Cell {
                    source: md[range].trim().to_string(),
                    code: Vec::new(),
                });
            }
            Event::Code(code) => {
                if let Some(c) = &mut cell {
                    c.code.push(code.into_string());
                }
            }
            Event::End(TagEnd::TableCell) => cells.extend(cell.take()),
            _ => {}
        }
    }
    (in_head && cells.len() == n).then_some(cells)
}

/// The ID cell `<a id="s1"></a>S1` as its anchor and its ID; a cell without one is all ID.
pub fn split_anchor(cell: &str) -> (Option<String>, String) {
    cell.strip_prefix("<a id=\"")
        .and_then(|rest| rest.split_once("\"></a>"))
        .map_or((None, cell.to_string()), |(anchor, id)| {
            (Some(anchor.to_string()), id.trim().to_string())
        })
}

/// Parses one fragment. Malformed lines become problems; good lines become rows.
pub fn parse_fragment(name: &str, text: &str) -> (Vec<Row>, Vec<Problem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
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
            let hint = if cs.len() > 4 {
                " (a `|` inside backticks splits the cell too: write `\\|`)"
            } else {
                ""
            };
            bad(format!("{} columns, expected 4{hint}", cs.len()));
            continue;
        }
        if cs
            .iter()
            .all(|c| c.source.chars().all(|ch| ch == '-' || ch == ':'))
        {
            bad("a header rule: fragments have no header (claims.md has it)".into());
            continue;
        }
        if cs[0].source == "ID" {
            bad("a header row: fragments have no header (claims.md has it)".into());
            continue;
        }
        let [id, claim, witnesses, commands] = <[Cell; 4]>::try_from(cs)
            .unwrap_or_else(|_| unreachable!("four cells were counted above"));
        let (anchor, id) = split_anchor(&id.source);
        let row = Row {
            place: place.clone(),
            id,
            anchor,
            claim: claim.source,
            witnesses: witnesses.code,
            commands: commands.code,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(line: &str) -> Vec<String> {
        cells(line)
            .unwrap_or_else(|| panic!("{line}: not a row"))
            .into_iter()
            .map(|c| c.source)
            .collect()
    }

    #[test]
    fn cells_split_on_pipes_outside_backticks_and_escapes() {
        // As mdbook renders it (GFM): an escaped pipe stays in its cell, but a pipe inside
        // backticks splits the cell like any other, so this row has five cells, not four.
        assert_eq!(
            sources("| S1 | a \\| b | `test:x::y`, `a|b` | `cargo test` |"),
            vec!["S1", "a \\| b", "`test:x::y`, `a", "b`", "`cargo test`"]
        );
        // Escaped, the pipe stays inside the code span.
        let cs = cells("| S1 | `a\\|b` | `test:x::y`, `w` |").unwrap();
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[1].code, vec!["a|b"]);
        assert_eq!(cs[2].code, vec!["test:x::y", "w"]);
        assert_eq!(cells("not a row"), None);
        assert_eq!(cells("S1 | a | b | c"), None, "rows start and end with `|`");
        assert_eq!(cells("| `a`, `b c` |").unwrap()[0].code, vec!["a", "b c"]);
        assert_eq!(sources("|S4||||"), vec!["S4", "", "", ""]);
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

    #[test]
    fn an_id_cell_may_open_with_its_anchor() {
        assert_eq!(
            split_anchor("<a id=\"k-racy\"></a>K-racy"),
            (Some("k-racy".into()), "K-racy".into())
        );
        assert_eq!(split_anchor("S1"), (None, "S1".into()));
        let (rows, problems) = parse_fragment(
            "f.md",
            "| <a id=\"s1\"></a>S1 | claim | `file:x` | `cargo test` |\n",
        );
        assert_eq!(problems, vec![]);
        assert_eq!(
            (rows[0].id.as_str(), rows[0].anchor.as_deref()),
            ("S1", Some("s1"))
        );
    }

    #[test]
    fn a_pipe_in_backticks_is_a_fifth_column_and_the_row_is_rejected() {
        let text = "| S1 | claim | `file:x` | `cargo test -- a|b` |\n\
                    | S2 | claim | `file:x` | `cargo test -- a\\|b` |\n";
        let (rows, problems) = parse_fragment("f.md", text);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0]
                .to_string()
                .starts_with("f.md:1: 5 columns, expected 4 (a `|` inside backticks"),
            "{problems:#?}"
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].commands, vec!["cargo test -- a|b"]);
    }
}
