//! Checks on the book's Markdown sources, before any rendering: every include directive names
//! a file and a named anchor that exist, and no code block is pasted into the Markdown.
//!
//! Two languages meet in a chapter, and each is read by its own reader:
//! - mdbook's directives (`{{#include path:anchor}}`) are not Markdown. mdbook expands them in
//!   the raw text before any Markdown is parsed (inside code blocks, HTML comments and inline
//!   code alike, and `\{{#...}}` escapes one), so [`directives`] scans the raw text the same way.
//!   The named anchors (`// ANCHOR: x` ... `// ANCHOR_END: x`) are mdbook's convention too:
//!   [`anchored`] reads them.
//! - The Markdown is parsed by `pulldown-cmark` with mdbook's own options ([`markdown_options`]),
//!   so [`fences`] finds exactly the fenced code blocks mdbook will render.
//!
//! These checks need no `mdbook`: `cargo test -p workspace-tests --test book_includes` runs them,
//! so the book is protected on any machine, and `cargo xtask book-check` runs them again.

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use walkdir::WalkDir;

use super::Problem;

/// The Markdown extensions mdbook 0.5 enables (its `new_cmark_parser`, default options).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// An include directive found in a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the directive.
    pub line: usize,
    /// `include` or `rustdoc_include`.
    pub kind: String,
    /// The path as written (relative to the Markdown file).
    pub path: String,
    /// What follows the path's first `:`, if anything (an anchor name or a line range).
    pub selector: Option<String>,
}

/// Finds every `{{#include ...}}` and `{{#rustdoc_include ...}}` in `markdown`, skipping
/// escaped ones (`\{{#include ...}}`) and directives without a path (e.g. in prose). Like
/// mdbook's preprocessor, it reads the raw text: a directive in a code block counts.
pub fn directives(markdown: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    for (i, line) in markdown.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("{{#") {
            let start = offset + at;
            let escaped = start > 0 && line.as_bytes()[start - 1] == b'\\';
            let after = &line[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let body = after[..end].trim();
            let (kind, arg) = body
                .split_once(char::is_whitespace)
                .map_or((body, ""), |(k, a)| (k, a.trim()));
            if !escaped && (kind == "include" || kind == "rustdoc_include") && !arg.is_empty() {
                let (path, selector) = match arg.split_once(':') {
                    Some((p, s)) => (p.to_string(), Some(s.to_string())),
                    None => (arg.to_string(), None),
                };
                found.push(Directive {
                    line: i + 1,
                    kind: kind.to_string(),
                    path,
                    selector,
                });
            }
            let consumed = start + 3 + end + 2 - offset;
            rest = &rest[consumed..];
            offset += consumed;
        }
    }
    found
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name` in `text` (other anchor lines
/// removed, as mdbook does), or `None` when the anchor does not open and close.
pub fn anchored(text: &str, name: &str) -> Option<String> {
    let marks = |line: &str, tag: &str| -> bool {
        let Some(at) = line.find(tag) else {
            return false;
        };
        let after = line[at + tag.len()..].trim_start();
        after.strip_prefix(name).is_some_and(|tail| {
            tail.chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
        })
    };
    let mut inside = false;
    let mut body = Vec::new();
    for line in text.lines() {
        if !inside {
            if marks(line, "ANCHOR:") {
                inside = true;
            }
        } else if marks(line, "ANCHOR_END:") {
            return Some(body.join("\n"));
        } else if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            body.push(line);
        }
    }
    None
}

/// Files that hold code: an include of one of these must name an anchor.
fn is_source_file(path: &str) -> bool {
    !(path.ends_with(".md") || path.ends_with(".svg"))
}

/// Every Markdown file under `src` (sorted, so reports are stable).
pub fn markdown_files(src: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = WalkDir::new(src)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

pub(crate) fn place(src: &Path, file: &Path, line: usize) -> String {
    let shown = file.strip_prefix(src).unwrap_or(file);
    format!("{}:{line}", shown.display())
}

/// Checks one directive: the file exists; code is included through a named anchor that opens,
/// closes and is not empty. Returns the problems.
pub fn check_directive(src: &Path, md: &Path, d: &Directive) -> Vec<Problem> {
    let at = place(src, md, d.line);
    let problem = |message: String| Problem {
        place: at.clone(),
        message,
    };
    let dir = md.parent().unwrap_or(src);
    let target = dir.join(&d.path);
    let Ok(text) = fs::read_to_string(&target) else {
        return vec![problem(format!(
            "`{{{{#{} {}}}}}`: no such file ({})",
            d.kind,
            d.path,
            target.display()
        ))];
    };
    match &d.selector {
        None if is_source_file(&d.path) => vec![problem(format!(
            "`{}` is included whole: include code through a named anchor \
             (`// ANCHOR: name` ... `// ANCHOR_END: name`), e.g. `{}:name`",
            d.path, d.path
        ))],
        None => Vec::new(),
        Some(sel)
            if sel.is_empty() || sel.starts_with(|c: char| c.is_ascii_digit() || c == ':') =>
        {
            vec![problem(format!(
                "`{}:{sel}` selects lines by number, which silently drift when the file changes: \
                 use a named anchor",
                d.path
            ))]
        }
        Some(anchor) => match anchored(&text, anchor) {
            None => vec![problem(format!(
                "anchor `{anchor}` not found in {} (needs `ANCHOR: {anchor}` and a later \
                 `ANCHOR_END: {anchor}`; mdbook would silently include nothing)",
                d.path
            ))],
            Some(body) if body.trim().is_empty() => {
                vec![problem(format!("anchor `{anchor}` in {} is empty", d.path))]
            }
            Some(_) => Vec::new(),
        },
    }
}

/// Checks every include directive in every Markdown file under `src`.
pub fn check_includes(src: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for md in markdown_files(src) {
        let Ok(text) = fs::read_to_string(&md) else {
            problems.push(Problem {
                place: place(src, &md, 0),
                message: "cannot read this file".into(),
            });
            continue;
        };
        for d in directives(&text) {
            problems.extend(check_directive(src, &md, &d));
        }
    }
    problems
}

/// `path` with `.` and `..` resolved by text (the file need not exist).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A fenced code block in a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string's first word (`rust`, `sh`, ...), empty when none.
    pub lang: String,
    /// The lines between the fences.
    pub body: Vec<String>,
}

/// Every fenced code block (```` ``` ```` or `~~~`) in `markdown`, as mdbook's Markdown parser
/// sees it: at any nesting (in a list item, a block quote), closed only by a fence at least as
/// long, and an unclosed fence running to the end of its container.
pub fn fences(markdown: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<(Fence, String)> = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let fence = Fence {
                    line: line_at(markdown, range.start),
                    lang,
                    body: Vec::new(),
                };
                open = Some((fence, String::new()));
            }
            Event::Text(text) => {
                if let Some((_, body)) = &mut open {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((mut fence, body)) = open.take() {
                    fence.body = body.lines().map(str::to_string).collect();
                    out.push(fence);
                }
            }
            _ => {}
        }
    }
    out
}

/// The languages of shell-command blocks, the only blocks that may be typed into Markdown.
pub const SHELL_LANGS: &[&str] = &["sh", "bash", "shell", "console"];
/// The most lines a typed shell-command block may have.
pub const MAX_SHELL_LINES: usize = 4;

/// Why `fence` is pasted code, or `None` when it is allowed: a block made only of include
/// directives, or a shell-command block of at most [`MAX_SHELL_LINES`] commands.
pub fn pasted(fence: &Fence) -> Option<String> {
    let lines: Vec<&str> = fence
        .body
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Some("an empty code block".into());
    }
    let all_includes = lines.iter().all(|l| {
        let ds = directives(l);
        ds.len() == 1 && l.starts_with("{{#") && l.ends_with("}}")
    });
    if all_includes {
        return None;
    }
    if SHELL_LANGS.contains(&fence.lang.as_str()) {
        if lines.len() <= MAX_SHELL_LINES {
            return None;
        }
        return Some(format!(
            "a `{}` block of {} lines: shell blocks hold at most {MAX_SHELL_LINES} commands; \
             longer scripts belong in a file that is run and included by anchor",
            fence.lang,
            lines.len()
        ));
    }
    Some(format!(
        "a pasted `{}` block of {} line(s): include it from a compiled, tested file with \
         an include directive and a named anchor",
        if fence.lang.is_empty() {
            "(no language)"
        } else {
            &fence.lang
        },
        lines.len()
    ))
}

/// Checks that no Markdown file under `src` has a pasted code block.
pub fn check_no_pasted_code(src: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for md in markdown_files(src) {
        let text = fs::read_to_string(&md).unwrap_or_default();
        for f in fences(&text) {
            if let Some(why) = pasted(&f) {
                problems.push(Problem {
                    place: place(src, &md, f.line),
                    message: why,
                });
            }
        }
    }
    problems
}

/// How many fenced code blocks `md` renders, counting those in whole-file Markdown includes:
/// the browser check compares it with the `<pre>` elements on the page, so an indented
/// (unfenced) code block, which the fence scanner cannot see, is still caught.
pub fn rendered_fence_count(md: &Path) -> usize {
    let text = fs::read_to_string(md).unwrap_or_default();
    let dir = md.parent().unwrap_or(Path::new("."));
    let included: usize = directives(&text)
        .iter()
        .filter(|d| d.selector.is_none() && d.path.ends_with(".md"))
        .map(|d| {
            let inner = fs::read_to_string(dir.join(&d.path)).unwrap_or_default();
            fences(&inner).len()
        })
        .sum();
    fences(&text).len() + included
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_with_path_and_anchor_and_escapes_are_skipped() {
        let md = "x\n```rust\n{{#include ../../a.rs:square}}\n```\n\\{{#include b.rs:x}} \
                  {{#include}} {{#include c.md}} {{#rustdoc_include d.rs:y}}\n";
        let ds = directives(md);
        let got: Vec<(usize, &str, Option<&str>)> = ds
            .iter()
            .map(|d| (d.line, d.path.as_str(), d.selector.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "../../a.rs", Some("square")),
                (5, "c.md", None),
                (5, "d.rs", Some("y")),
            ]
        );
    }

    #[test]
    fn anchors_are_matched_by_whole_name_and_must_close() {
        let text = "a\n// ANCHOR: sq\nx\n// ANCHOR: sq_wide\ny\n// ANCHOR_END: sq_wide\n\
                    // ANCHOR_END: sq\n/* ANCHOR: open */\n";
        assert_eq!(anchored(text, "sq").as_deref(), Some("x\ny"));
        assert_eq!(anchored(text, "sq_wide").as_deref(), Some("y"));
        assert_eq!(anchored(text, "s"), None, "a prefix is not the anchor");
        assert_eq!(anchored(text, "open"), None, "an anchor that never closes");
        assert_eq!(anchored(text, "missing"), None);
    }

    fn book_with(chapter: &str, code: &str) -> (tempfile::TempDir, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("code.rs"), code).unwrap();
        fs::write(dir.path().join("src/ch.md"), chapter).unwrap();
        let problems = check_includes(&dir.path().join("src"));
        (dir, problems)
    }

    #[test]
    fn include_checks_catch_missing_files_anchors_line_numbers_and_whole_files() {
        let code = "// ANCHOR: good\nfn f() {}\n// ANCHOR_END: good\n// ANCHOR: empty\n// ANCHOR_END: empty\n";
        let (_d, ok) = book_with("{{#include ../code.rs:good}}\n", code);
        assert_eq!(ok, vec![]);
        for (chapter, needle) in [
            ("{{#include ../nope.rs:good}}", "no such file"),
            ("{{#include ../code.rs:bad}}", "anchor `bad` not found"),
            ("{{#include ../code.rs:empty}}", "is empty"),
            ("{{#include ../code.rs:2:3}}", "by number"),
            ("{{#include ../code.rs}}", "included whole"),
        ] {
            let (_d, problems) = book_with(chapter, code);
            assert_eq!(problems.len(), 1, "{chapter}: {problems:?}");
            assert!(
                problems[0].message.contains(needle),
                "{chapter}: {problems:?}"
            );
            assert_eq!(problems[0].place, "ch.md:1");
        }
    }

    #[test]
    fn only_include_blocks_and_short_shell_blocks_are_allowed() {
        let md = "```rust\n{{#include a.rs:x}}\n```\n\n```sh\ncargo lab\n```\n\n\
                  ```rust\nfn main() {}\n```\n\n```sh\na\nb\nc\nd\ne\n```\n\n```text\nout\n```\n\n\
                  ~~~\n{{#include a.rs:x}}\nlet x = 1;\n~~~\n";
        let fs_ = fences(md);
        assert_eq!(fs_.len(), 6);
        let verdicts: Vec<bool> = fs_.iter().map(|f| pasted(f).is_some()).collect();
        assert_eq!(verdicts, vec![false, false, true, true, true, true]);
    }

    #[test]
    fn a_four_backtick_fence_is_not_closed_by_three() {
        let md = "````md\n```rust\nfn f() {}\n```\n````\n";
        let fs_ = fences(md);
        assert_eq!(fs_.len(), 1);
        assert_eq!(fs_[0].body.len(), 3);
    }

    #[test]
    fn fences_are_found_where_markdown_puts_them() {
        // In a list item and a block quote, with their line and language; an indented code
        // block and a run of backticks inside a paragraph are not fences.
        let md = "- item\n\n  ```rust,ignore\n  {{#include a.rs:x}}\n  ```\n\n\
                  > ```sh\n> cargo lab\n> ```\n\n    indented\n\ntext ``` not a fence\n";
        let found = fences(md);
        let got: Vec<(usize, &str, Vec<&str>)> = found
            .iter()
            .map(|f| {
                (
                    f.line,
                    f.lang.as_str(),
                    f.body.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "rust", vec!["{{#include a.rs:x}}"]),
                (7, "sh", vec!["cargo lab"]),
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end_and_is_still_a_code_block() {
        let fs_ = fences("text\n\n```rust\nfn f() {}\n");
        assert_eq!(fs_.len(), 1);
        assert_eq!(fs_[0].line, 3);
        assert_eq!(fs_[0].body, vec!["fn f() {}"]);
        assert!(pasted(&fs_[0]).is_some());
    }
}
