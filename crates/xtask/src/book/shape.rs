//! The book's shape, as a student meets it: lesson 1 comes soon, and lesson listings are short.
//!
//! - Everything SUMMARY.md lists before the first lesson's chapter (the lesson table's first
//!   `chapter`) holds fewer than [`MAX_WORDS_BEFORE_LESSON_1`] words of prose. Code blocks and
//!   inline code are not prose and are not counted; table cells are.
//! - Every include in a lesson chapter (`lessons/*.md`) resolves to fewer than
//!   [`MAX_LESSON_LISTING_LINES`] lines, so each listing can be walked through line by line in
//!   the paragraph after it. A longer listing is split into smaller anchors in its source file.

use std::fs;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Problem;
use super::source::{anchored, directives, markdown_files, markdown_options};

/// The words of prose before lesson 1 must stay below this.
pub const MAX_WORDS_BEFORE_LESSON_1: usize = 1500;
/// A listing in a lesson chapter must have fewer lines than this.
pub const MAX_LESSON_LISTING_LINES: usize = 20;

/// The words of prose in `markdown`: text outside code blocks and inline code, split at
/// whitespace, counting only tokens with a letter or digit (a table's `|` or a dash is no word).
pub fn prose_words(markdown: &str) -> usize {
    let mut in_code = false;
    let mut words = 0;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => {
                words += text
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count();
            }
            _ => {}
        }
    }
    words
}

/// The chapters before `first_lesson` in `chapters` (SUMMARY.md's order) and their prose words.
/// `None` when `first_lesson` is not listed.
pub fn words_before(
    src: &Path,
    chapters: &[String],
    first_lesson: &str,
) -> Option<Vec<(String, usize)>> {
    let at = chapters.iter().position(|c| c == first_lesson)?;
    Some(
        chapters[..at]
            .iter()
            .map(|c| {
                let text = fs::read_to_string(src.join(c)).unwrap_or_default();
                (c.clone(), prose_words(&text))
            })
            .collect(),
    )
}

/// Checks the words before lesson 1 in the book at `src`, whose lessons are in the table under
/// `root`. Returns the total (when it could be counted) and the problems.
pub fn check_words_before_lesson_1(root: &Path, src: &Path) -> (Option<usize>, Vec<Problem>) {
    let problem = |place: &str, message: String| Problem {
        place: place.into(),
        message,
    };
    let first = match lesson_table::load(&root.join(lesson_table::TABLE)) {
        Ok(lessons) => lessons.first().map(|l| l.chapter.clone()),
        Err(e) => return (None, vec![problem(lesson_table::TABLE, e)]),
    };
    let Some(first) = first else {
        return (None, vec![problem(lesson_table::TABLE, "no lesson".into())]);
    };
    let book_dir = src.strip_prefix(root).unwrap_or(src);
    let first = Path::new(&first)
        .strip_prefix(book_dir)
        .map_or(first.clone(), |p| p.to_string_lossy().into_owned());
    let summary = fs::read_to_string(src.join("SUMMARY.md")).unwrap_or_default();
    let chapters = lab::book::summary_chapters(&summary);
    let Some(before) = words_before(src, &chapters, &first) else {
        return (
            None,
            vec![problem(
                "SUMMARY.md",
                format!("the first lesson's chapter {first} is not listed"),
            )],
        );
    };
    let total: usize = before.iter().map(|(_, n)| n).sum();
    let mut problems = Vec::new();
    if total >= MAX_WORDS_BEFORE_LESSON_1 {
        let parts: Vec<String> = before.iter().map(|(c, n)| format!("{c} {n}")).collect();
        problems.push(problem(
            "SUMMARY.md",
            format!(
                "{total} words of prose before {first} ({}): a student should reach lesson 1 \
                 in under {MAX_WORDS_BEFORE_LESSON_1}; shorten them or move chapters after the \
                 lessons",
                parts.join(", ")
            ),
        ));
    }
    (Some(total), problems)
}

/// The length in lines of every anchored include in the lesson chapters under `src`:
/// `(place, path:anchor, lines)`, in file order. Unresolved includes are left to
/// [`super::source::check_includes`].
pub fn lesson_listings(src: &Path) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for md in markdown_files(&src.join("lessons")) {
        let text = fs::read_to_string(&md).unwrap_or_default();
        let dir = md.parent().unwrap_or(src);
        let shown = md.strip_prefix(src).unwrap_or(&md).display().to_string();
        for d in directives(&text) {
            let Some(anchor) = &d.selector else { continue };
            let Ok(code) = fs::read_to_string(dir.join(&d.path)) else {
                continue;
            };
            if let Some(body) = anchored(&code, anchor) {
                out.push((
                    format!("{shown}:{}", d.line),
                    format!("{}:{anchor}", d.path),
                    body.lines().count(),
                ));
            }
        }
    }
    out
}

/// Checks that every listing in a lesson chapter is shorter than [`MAX_LESSON_LISTING_LINES`].
pub fn check_lesson_listings(src: &Path) -> Vec<Problem> {
    lesson_listings(src)
        .into_iter()
        .filter(|(_, _, n)| *n >= MAX_LESSON_LISTING_LINES)
        .map(|(place, what, n)| Problem {
            place,
            message: format!(
                "`{what}` is {n} lines: a lesson listing stays under {MAX_LESSON_LISTING_LINES} \
                 lines, so it can be explained line by line; split it into smaller anchors"
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_words_skip_code_blocks_inline_code_and_table_rules() {
        let md = "# Two words\n\nOne `not counted` two.\n\n```rust\nlet a = b;\n```\n\n\
                  | a | b |\n| --- | --- |\n| c – d | e |\n";
        // "Two words" (2) + "One two." (2) + "a b" (2) + "c d e" (3)
        assert_eq!(prose_words(md), 9);
    }

    #[test]
    fn words_are_counted_only_before_the_first_lesson() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.md"), "one two three").unwrap();
        fs::write(dir.path().join("b.md"), "four five").unwrap();
        let chapters: Vec<String> = ["a.md", "b.md", "l1.md", "c.md"].map(String::from).into();
        let before = words_before(dir.path(), &chapters, "l1.md").unwrap();
        assert_eq!(before, vec![("a.md".into(), 3), ("b.md".into(), 2)]);
        assert_eq!(words_before(dir.path(), &chapters, "nope.md"), None);
    }

    #[test]
    fn a_long_lesson_listing_is_reported_and_a_short_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir_all(src.join("lessons")).unwrap();
        let body = |n: usize| (0..n).map(|i| format!("line{i}\n")).collect::<String>();
        fs::write(
            dir.path().join("code.rs"),
            format!(
                "// ANCHOR: short\n{}// ANCHOR_END: short\n// ANCHOR: long\n{}// ANCHOR_END: long\n",
                body(MAX_LESSON_LISTING_LINES - 1),
                body(MAX_LESSON_LISTING_LINES)
            ),
        )
        .unwrap();
        fs::write(
            src.join("lessons/l.md"),
            "{{#include ../../code.rs:short}}\n{{#include ../../code.rs:long}}\n",
        )
        .unwrap();
        let problems = check_lesson_listings(&src);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].place, "lessons/l.md:2");
        assert!(problems[0].message.contains("is 20 lines"), "{problems:#?}");
    }
}
