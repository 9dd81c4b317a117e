//! The book's shape, as a student meets it: fewer than 1,500 words of prose stand before
//! lesson 1, and every listing in a lesson chapter is under 20 lines (so the paragraph after it
//! can walk through it line by line); every SVG is XML with a viewBox, legible, and shown by a
//! chapter. The checks live in `xtask::book::shape`, and
//! `cargo xtask book-check` runs them too.
//!
//! Run: `cargo test -p workspace-tests --test book_shape`.

use xtask::book::shape;

#[test]
fn a_student_reaches_lesson_1_in_under_1500_words() {
    let root = lab::workspace_root();
    let (words, problems) = shape::check_words_before_lesson_1(&root, &root.join("mdbook/src"));
    assert!(
        problems.is_empty(),
        "{}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let words = words.expect("counted");
    assert!(
        words > 100,
        "only {words} words before lesson 1: is this the book?"
    );
}

#[test]
fn every_lesson_listing_is_under_20_lines() {
    let src = lab::workspace_root().join("mdbook/src");
    let listings = shape::lesson_listings(&src);
    assert!(
        listings.len() >= 10,
        "only {} listings found in the lesson chapters",
        listings.len()
    );
    let problems = shape::check_lesson_listings(&src);
    assert!(
        problems.is_empty(),
        "{} long listing(s):\n{}",
        problems.len(),
        workspace_tests::report(&problems)
    );
}

#[test]
fn every_svg_is_well_formed_legible_and_shown_by_a_chapter() {
    let src = lab::workspace_root().join("mdbook/src");
    let svgs = xtask::book::pictures::svg_files(&src);
    assert!(
        svgs.iter().filter(|p| p.starts_with("pictures")).count() >= 4,
        "the lessons' pictures are missing: {svgs:?}"
    );
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).expect("SUMMARY.md");
    let problems = xtask::book::pictures::check(&src, &lab::book::summary_chapters(&summary));
    assert!(
        problems.is_empty(),
        "{} picture problem(s):\n{}",
        problems.len(),
        workspace_tests::report(&problems)
    );
}
