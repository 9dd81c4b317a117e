//! No book include points at a file a student edits: the files come from the lesson table,
//! and every include directive of every chapter is compared with them. A book built mid-lesson
//! would otherwise show half-edited code, one built from a solved tree would publish solutions,
//! and a student who breaks an `ANCHOR` line would break the book.

use std::fs;
use std::path::{Path, PathBuf};

use super::Problem;
use super::source::{directives, markdown_files, normalize, place};

/// The files a student edits: each lesson's `src/exercise.rs`, read from the lesson table
/// (`lessons/lessons.toml` under `root`), never from a list kept here.
pub fn student_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let lessons = lesson_table::load(&root.join(lesson_table::TABLE))?;
    Ok(lessons
        .iter()
        .map(|l| normalize(&root.join(&l.dir).join(lesson_table::EXERCISE)))
        .collect())
}

/// Checks that no include under `src` points at a file in `student` (the files students edit):
/// a book built mid-lesson would show half-edited code, one built from a solved tree would
/// publish solutions, and a student who breaks an `ANCHOR` line would break the book. Lessons
/// include their exercise from `shipped/exercise.rs`, which `cargo lab reset` restores.
pub fn check_no_student_files(src: &Path, student: &[PathBuf]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for md in markdown_files(src) {
        let text = fs::read_to_string(&md).unwrap_or_default();
        let dir = md.parent().unwrap_or(src);
        for d in directives(&text) {
            let target = normalize(&dir.join(&d.path));
            if student.contains(&target) {
                problems.push(Problem {
                    place: place(src, &md, d.line),
                    message: format!(
                        "`{}` is a file the student edits: include the lesson's \
                         `shipped/exercise.rs` instead",
                        d.path
                    ),
                });
            }
        }
    }
    problems
}
