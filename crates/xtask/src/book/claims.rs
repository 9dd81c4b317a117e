//! The claims ledger: every claim the book makes, with what backs it, checked against the
//! workspace.
//!
//! `mdbook/src/claims.md` holds one table: its header row and rule, then one
//! `{{#include ledger/<area>.md}}` per area of the lab. Each fragment holds only rows,
//! `| ID | claim | witnesses | command |`, which mdbook pastes into the table.
//!
//! [`check`] fails (returns problems) when `claims.md` is not that one table, when a fragment is
//! malformed or not included, when a witness does not exist, when a command names a package or
//! test target that does not exist, when a required claim has no row, when the rows (in the
//! order claims.md includes them) are not sorted by ID ([`order_key`]), or when the first row of
//! an ID does not open with its anchor (`<a id="s1"></a>S1`, see [`anchor_of`]) or a later row
//! repeats it. The parts:
//! - [`rows`]: a fragment's lines, read as the table rows they become;
//! - [`witnesses`]: whether what a row names exists.

pub mod rows;
pub mod witnesses;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use walkdir::WalkDir;

use super::Problem;
use super::source::{self, line_at, markdown_options};
pub use rows::{Cell, Row, cells, parse_fragment};
pub use witnesses::Repo;

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

/// Where an ID sorts in the ledger: the article's claims `S1`–`S6`, the corrections `M1`–`M6`
/// and its examples `E1`–`E3` first, by number; then every other ID by its text, which groups
/// them by prefix (`B-`, `F-`, `K-`, `L-`, `P-`).
pub fn order_key(id: &str) -> (u8, u32, String) {
    for (rank, prefix) in ["S", "M", "E"].iter().enumerate() {
        if let Some(n) = id.strip_prefix(prefix).and_then(|n| n.parse::<u32>().ok()) {
            return (u8::try_from(rank).unwrap_or(u8::MAX), n, String::new());
        }
    }
    (3, 0, id.to_string())
}

/// The anchor an ID's first row carries, and chapters link to: `S1` → `s1`, `K-racy` → `k-racy`.
pub fn anchor_of(id: &str) -> String {
    id.to_lowercase()
}

/// Checks that `rows` (in page order) are sorted by [`order_key`], so the rows of one ID stand
/// together, and that exactly the first row of each ID carries its anchor.
pub fn check_order_and_anchors(rows: &[Row]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut previous: Option<&Row> = None;
    for row in rows {
        let first = previous.is_none_or(|p| p.id != row.id);
        if let Some(p) = previous
            && order_key(&p.id) > order_key(&row.id)
        {
            problems.push(Problem {
                place: row.place.clone(),
                message: format!(
                    "{} comes after {} ({}): the ledger is sorted by ID (S1–S6, M1–M6, E1–E3, \
                     then the others by ID), with the rows of one ID together",
                    row.id, p.id, p.place
                ),
            });
        }
        let want = anchor_of(&row.id);
        match (&row.anchor, first) {
            (Some(a), true) if *a == want => {}
            (None, false) => {}
            (_, true) => problems.push(Problem {
                place: row.place.clone(),
                message: format!(
                    "the first {} row must open with its anchor: `| <a id=\"{want}\"></a>{} |`",
                    row.id, row.id
                ),
            }),
            (Some(_), false) => problems.push(Problem {
                place: row.place.clone(),
                message: format!(
                    "only the first {} row carries the anchor: write `| {} |` here",
                    row.id, row.id
                ),
            }),
        }
        previous = Some(row);
    }
    problems
}

/// Checks every link into the ledger (`claims.md#<anchor>`) in the Markdown under `book_src`:
/// the anchor must be one that a row carries. (The built HTML is checked again by the link
/// check; this one needs no mdbook.)
pub fn check_links(book_src: &Path, rows: &[Row]) -> Vec<Problem> {
    let anchors: BTreeSet<&str> = rows.iter().filter_map(|r| r.anchor.as_deref()).collect();
    let mut problems = Vec::new();
    for md in source::markdown_files(book_src) {
        let text = fs::read_to_string(&md).unwrap_or_default();
        let shown = md
            .strip_prefix(book_src)
            .unwrap_or(&md)
            .display()
            .to_string();
        for (at, _) in text.match_indices("claims.md#") {
            let rest = &text[at + "claims.md#".len()..];
            let anchor: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !anchors.contains(anchor.as_str()) {
                problems.push(Problem {
                    place: format!("{shown}:{}", line_at(&text, at)),
                    message: format!("`claims.md#{anchor}`: no ledger row carries this anchor"),
                });
            }
        }
    }
    problems
}

/// The columns of the ledger table.
const COLUMNS: usize = 4;

/// One table of a Markdown file, as mdbook's parser reads it.
#[derive(Debug)]
struct Table {
    /// The line of its header row.
    line: usize,
    /// The number of header cells.
    columns: usize,
    /// The line of each body row.
    rows: Vec<usize>,
}

fn tables(markdown: &str) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    let (mut in_head, mut in_body_row) = (false, false);
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(_)) => out.push(Table {
                line: line_at(markdown, range.start),
                columns: 0,
                rows: Vec::new(),
            }),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                in_body_row = true;
                if let Some(t) = out.last_mut() {
                    t.rows.push(line_at(markdown, range.start));
                }
            }
            Event::End(TagEnd::TableRow) => in_body_row = false,
            Event::Start(Tag::TableCell) if in_head && !in_body_row => {
                if let Some(t) = out.last_mut() {
                    t.columns += 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// Checks `claims.md` (its text `claims`): one table with the ledger's columns, whose body is
/// only whole-fragment includes. Returns the fragments it includes, in order.
fn check_claims_md(claims: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut problem = |line: Option<usize>, message: String| {
        problems.push(Problem {
            place: line.map_or("claims.md".into(), |l| format!("claims.md:{l}")),
            message,
        });
    };
    let mut included = Vec::new();
    let mut include_lines = BTreeSet::new();
    for d in source::directives(claims) {
        include_lines.insert(d.line);
        match d.path.strip_prefix("ledger/") {
            Some(name) if d.selector.is_none() => included.push(name.to_string()),
            _ => problem(
                Some(d.line),
                format!(
                    "`{}`: the ledger includes only whole `ledger/*.md` fragments",
                    d.path
                ),
            ),
        }
    }
    let found = tables(claims);
    let Some(table) = found.first() else {
        problem(
            None,
            "no table: claims.md holds the ledger's header row and its rule, then one include \
             per fragment"
                .into(),
        );
        return included;
    };
    if found.len() > 1 {
        problem(
            Some(found[1].line),
            format!(
                "{} tables in claims.md: it holds one, the header and its rule; rows live in \
                 ledger/<area>.md fragments",
                found.len()
            ),
        );
    }
    if table.columns != COLUMNS {
        problem(
            Some(table.line),
            format!("{} columns, expected {COLUMNS}", table.columns),
        );
    }
    for &row in &table.rows {
        if !include_lines.contains(&row) {
            problem(
                Some(row),
                "a table row typed in claims.md: it holds only the header and its rule; rows \
                 live in ledger/<area>.md fragments"
                    .into(),
            );
        }
    }
    for &line in &include_lines {
        if !table.rows.contains(&line) {
            problem(
                Some(line),
                "this include is not inside the ledger table (a blank line or text ends the \
                 table): mdbook would render its rows as plain text"
                    .into(),
            );
        }
    }
    included
}

/// Checks the ledger of the book at `book_src` (`mdbook/src`) against the repository at `root`.
pub fn check(root: &Path, book_src: &Path) -> (Vec<Row>, Vec<Problem>) {
    let mut problems = Vec::new();
    let claims = match fs::read_to_string(book_src.join("claims.md")) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem {
                place: "claims.md".into(),
                message: format!("cannot read it: {e}"),
            });
            return (Vec::new(), problems);
        }
    };
    let included = check_claims_md(&claims, &mut problems);

    let mut fragments: Vec<String> = WalkDir::new(book_src.join("ledger"))
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    fragments.sort();
    for f in &fragments {
        if !included.contains(f) {
            problems.push(Problem {
                place: format!("ledger/{f}"),
                message: format!(
                    "this fragment is not included in claims.md: add `{{{{#include ledger/{f}}}}}`"
                ),
            });
        }
    }

    let repo = match Repo::load(root) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(Problem {
                place: "Cargo.toml".into(),
                message: format!(
                    "cannot list the workspace's packages, so no witness was checked: {e:#}"
                ),
            });
            None
        }
    };
    let mut rows = Vec::new();
    for name in &included {
        let Ok(text) = fs::read_to_string(book_src.join("ledger").join(name)) else {
            problems.push(Problem {
                place: format!("ledger/{name}"),
                message: "included by claims.md but does not exist (not written yet?)".into(),
            });
            continue;
        };
        let (rs, ps) = parse_fragment(&format!("ledger/{name}"), &text);
        problems.extend(ps);
        if let Some(repo) = &repo {
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
        }
        rows.extend(rs);
    }
    problems.extend(check_order_and_anchors(&rows));
    problems.extend(check_links(book_src, &rows));
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

    const HEADER: &str = "| ID | claim | witnesses | rerun |\n| --- | --- | --- | --- |\n";

    fn claims_problems(claims: &str) -> (Vec<String>, Vec<String>) {
        let mut problems = Vec::new();
        let included = check_claims_md(claims, &mut problems);
        (included, problems.iter().map(ToString::to_string).collect())
    }

    fn row(id: &str, anchor: Option<&str>) -> Row {
        Row {
            place: format!("f.md:{id}"),
            id: id.into(),
            anchor: anchor.map(Into::into),
            claim: "c".into(),
            witnesses: vec!["file:x".into()],
            commands: vec!["cargo test".into()],
        }
    }

    #[test]
    fn ids_sort_article_first_then_by_prefix() {
        let mut ids = vec![
            "P-call",
            "M2",
            "K-racy",
            "S10",
            "E1",
            "S2",
            "B-listings",
            "M1",
        ];
        ids.sort_by_key(|id| order_key(id));
        assert_eq!(
            ids,
            vec![
                "S2",
                "S10",
                "M1",
                "M2",
                "E1",
                "B-listings",
                "K-racy",
                "P-call"
            ]
        );
    }

    #[test]
    fn rows_out_of_order_or_without_their_anchor_are_reported() {
        let good = [
            row("S1", Some("s1")),
            row("S2", Some("s2")),
            row("S2", None),
            row("K-racy", Some("k-racy")),
        ];
        assert_eq!(check_order_and_anchors(&good), vec![]);

        let text = |rows: &[Row]| -> Vec<String> {
            check_order_and_anchors(rows)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        let out_of_order = text(&[row("S2", Some("s2")), row("S1", Some("s1"))]);
        assert_eq!(out_of_order.len(), 1, "{out_of_order:#?}");
        assert!(out_of_order[0].starts_with("f.md:S1: S1 comes after S2"));
        // An ID split in two: its second block starts without the anchor and is out of order.
        let split = text(&[
            row("S1", Some("s1")),
            row("S2", Some("s2")),
            row("S1", None),
        ]);
        assert_eq!(split.len(), 2, "{split:#?}");
        let no_anchor = text(&[row("S1", None)]);
        assert!(
            no_anchor[0].contains("must open with its anchor"),
            "{no_anchor:?}"
        );
        let wrong = text(&[row("S1", Some("S1"))]);
        assert!(wrong[0].contains("<a id=\"s1\"></a>S1"), "{wrong:?}");
        let repeated = text(&[row("S1", Some("s1")), row("S1", Some("s1"))]);
        assert!(
            repeated[0].contains("only the first S1 row"),
            "{repeated:?}"
        );
    }

    #[test]
    fn claims_md_is_one_table_of_fragment_includes() {
        let (included, problems) = claims_problems(&format!(
            "# The claims ledger\n\nProse.\n\n{HEADER}{{{{#include ledger/a.md}}}}\n\
             {{{{#include ledger/b.md}}}}\n"
        ));
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(included, vec!["a.md", "b.md"]);
    }

    #[test]
    fn claims_md_rejects_typed_rows_stray_includes_and_a_wrong_header() {
        let (_, problems) = claims_problems(&format!(
            "{HEADER}{{{{#include ledger/a.md}}}}\n| S1 | typed | `file:x` | `cargo t` |\n\n\
             {{{{#include ledger/b.md}}}}\n{{{{#include ../x.rs:y}}}}\n"
        ));
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[0].starts_with("claims.md:7: `../x.rs`"),
            "{problems:#?}"
        );
        assert!(
            problems[1].starts_with("claims.md:4: a table row typed"),
            "{problems:#?}"
        );
        assert!(
            problems[2].starts_with("claims.md:6: this include is not inside the ledger table"),
            "{problems:#?}"
        );
        assert!(
            problems[3].starts_with("claims.md:7: this include is not inside"),
            "{problems:#?}"
        );

        let (_, problems) = claims_problems(
            "| ID | claim | rerun |\n| --- | --- | --- |\n{{#include ledger/a.md}}\n",
        );
        assert_eq!(problems, vec!["claims.md:1: 3 columns, expected 4"]);
        let (_, problems) = claims_problems("{{#include ledger/a.md}}\n");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].starts_with("claims.md: no table"),
            "{problems:#?}"
        );
        let (_, problems) = claims_problems(&format!("{HEADER}\n{HEADER}"));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].starts_with("claims.md:4: 2 tables"),
            "{problems:#?}"
        );
    }
}
