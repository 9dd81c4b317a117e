//! Checks on the book's Markdown sources, before any rendering: every include directive names
//! a file and a named anchor that exist, and no code block is pasted into the Markdown.
//!
//! These checks need no `mdbook`: `cargo test -p workspace-tests --test book_includes` runs them,
//! so the book is protected on any machine, and `cargo xtask book-check` runs them again.

use std::fs;
use std::path::{Path, PathBuf};

/// One problem found in the book, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (relative to the book's `src/` when it is a chapter) and line, e.g. `a.md:12`.
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
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
/// escaped ones (`\{{#include ...}}`) and directives without a path (e.g. in prose).
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
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn place(src: &Path, file: &Path, line: usize) -> String {
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

/// Every fenced code block (```` ``` ```` or `~~~`, any indentation up to 3 spaces) in `markdown`.
pub fn fences(markdown: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<(String, Fence)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence_chars: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence = indent <= 3
            && fence_chars.len() >= 3
            && fence_chars
                .chars()
                .all(|c| c == fence_chars.chars().next().unwrap_or('`'));
        match &mut open {
            None if is_fence => {
                let info = trimmed[fence_chars.len()..].trim();
                let lang = info
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_string();
                open = Some((
                    fence_chars,
                    Fence {
                        line: i + 1,
                        lang,
                        body: Vec::new(),
                    },
                ));
            }
            None => {}
            Some((marker, fence)) => {
                let closes = is_fence
                    && fence_chars.starts_with(marker.as_str())
                    && trimmed[fence_chars.len()..].trim().is_empty();
                if closes {
                    if let Some((_, f)) = open.take() {
                        out.push(f);
                    }
                } else {
                    fence.body.push(line.to_string());
                }
            }
        }
    }
    if let Some((_, f)) = open {
        out.push(f); // an unclosed fence runs to the end of the file: still a code block
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
}
