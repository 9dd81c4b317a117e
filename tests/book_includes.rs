//! The book's listings come from compiled files: every include directive in `mdbook/src`
//! resolves to an existing file and named anchor, and no Markdown code block is pasted code.
//!
//! mdbook itself only warns about a missing file and silently includes nothing for a missing
//! anchor; these tests need no mdbook, so plain `cargo test` protects the book.
//! Run: `cargo test -p workspace-tests --test book_includes`.

use xtask::book::{Problem, source};

fn report(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - mdbook/src/{p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_book_include_resolves_to_a_file_and_anchor() {
    let src = lab::workspace_root().join("mdbook/src");
    let chapters = source::markdown_files(&src);
    let directives: usize = chapters
        .iter()
        .map(|md| source::directives(&std::fs::read_to_string(md).unwrap_or_default()).len())
        .sum();
    assert!(
        directives >= 10,
        "only {directives} include directives found in {}: is this the book?",
        src.display()
    );
    let problems = source::check_includes(&src);
    assert!(
        problems.is_empty(),
        "{} include problem(s):\n{}",
        problems.len(),
        report(&problems)
    );
}

#[test]
fn no_markdown_code_block_is_pasted_code() {
    let src = lab::workspace_root().join("mdbook/src");
    let problems = source::check_no_pasted_code(&src);
    assert!(
        problems.is_empty(),
        "{} pasted code block(s):\n{}",
        problems.len(),
        report(&problems)
    );
}
