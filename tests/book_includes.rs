//! The book's listings come from compiled files: every include directive in `mdbook/src`
//! resolves to an existing file and named anchor, and no Markdown code block is pasted code.
//!
//! mdbook itself only warns about a missing file and silently includes nothing for a missing
//! anchor; these tests need no mdbook, so plain `cargo test` protects the book.
//! Run: `cargo test -p workspace-tests --test book_includes`.

use xtask::book::{source, student_files};

use workspace_tests::report;

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

#[test]
fn no_book_include_points_at_a_file_a_student_edits() {
    // The student-edited files come from the lesson table, so a new lesson is covered the day
    // it is added to lessons/lessons.toml.
    let root = lab::workspace_root();
    let student = student_files::student_files(&root).expect("the lesson table reads");
    assert_eq!(
        student.len(),
        lesson_table::all().len(),
        "one exercise per lesson"
    );
    let problems = student_files::check_no_student_files(&root.join("mdbook/src"), &student);
    assert!(
        problems.is_empty(),
        "{} include(s) of a student's working file:\n{}",
        problems.len(),
        report(&problems)
    );
}

#[test]
fn an_include_of_a_students_exercise_is_caught() {
    // The same check over a copy of a chapter that includes a lesson's src/exercise.rs (the
    // include this test exists to keep out) and its shipped copy: only the first is reported.
    let root = lab::workspace_root();
    let student = student_files::student_files(&root).expect("the lesson table reads");
    let lesson = &lesson_table::all()[0];
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("lessons");
    std::fs::create_dir_all(&src).expect("mkdir");
    let lesson_dir = root.join(&lesson.dir);
    std::fs::write(
        src.join("ch.md"),
        format!(
            "{{{{#include {d}/src/../src/exercise.rs:x}}}}\n\
             {{{{#include {d}/shipped/exercise.rs:x}}}}\n",
            d = lesson_dir.display()
        ),
    )
    .expect("write chapter");
    let problems = student_files::check_no_student_files(dir.path(), &student);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].place, "lessons/ch.md:1");
}
