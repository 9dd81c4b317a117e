//! `cargo lab` with no arguments: the runner's welcome. What the lab is, a live demo, and where
//! to start.

use crate::runner::{self, progress::Progress};

/// Prints the welcome.
pub fn run() -> anyhow::Result<()> {
    println!("{}", intro());
    println!("{}", demo()?);
    crate::demo_processes::run()?;
    println!();
    println!("{}", where_to_start(&Progress::load().unwrap_or_default()));
    Ok(())
}

fn intro() -> &'static str {
    "\
The Parallel FFI Lab
====================

Can you call C from several threads at once, and what does it cost? People usually ask this
about Python's ctypes. Here Rust calls a small C library (c_src/) through safe wrappers
(crates/ffi), and the same shared-counter job is done five ways: racy on purpose, with a
mutex, with an atomic, sharded per thread, and one process per worker. Every claim is backed
by a test or a benchmark you can rerun; the book (mdbook/) walks through it, one lesson at a
time.
"
}

/// Increments per thread in the welcome's live run: enough for two pinned threads to collide
/// many times, small enough to take well under a second for all kernels together.
const WELCOME_INCREMENTS: u64 = 2_000_000;

// ANCHOR: demo
/// The live part: two threads, pinned to two cores, add to a counter in C, once with every
/// kernel. The racy one loses updates; the fixed ones are exact.
fn demo() -> anyhow::Result<String> {
    let mut s = format!(
        "Live, on this machine, right now: 2 threads (on 2 cores) each add {} to a counter \
         in C.\n\n",
        crate::group_digits(WELCOME_INCREMENTS, ',')
    );
    s.push_str(&crate::demo::counters_table(2, WELCOME_INCREMENTS)?.to_string());
    s.push_str(
        "\nThe racy kernel's losses vary from run to run (and can be 0 on one core); loom and\n\
         ThreadSanitizer prove that it CAN lose them (`cargo xtask loom`, `cargo xtask tsan`).\n\
         `cargo lab examples` runs the source article's three examples.\n",
    );
    Ok(s)
}
// ANCHOR_END: demo

fn where_to_start(progress: &Progress) -> String {
    let mut s = String::from("Where to start\n--------------\n\n");
    match runner::current(progress) {
        Some(lesson) => {
            let n = lesson_table::all()
                .iter()
                .position(|l| l.name == lesson.name)
                .map_or(1, |i| i + 1);
            let done = n - 1;
            if done > 0 {
                s.push_str(&format!(
                    "You have done {done} of {} lessons.\n",
                    lesson_table::all().len()
                ));
            }
            s.push_str(&format!(
                "Lesson {n} of {}: {} ({}).\n\n\
                 1. Read the chapter: {} (or `cargo lab book serve`).\n\
                 2. Edit {}/src/exercise.rs: the lines marked TODO.\n\
                 3. Check it: `cargo lab check` (or `{}`). Stuck? `cargo lab hint`.\n\
                 \n\
                 `cargo lab list` shows every lesson; `cargo lab watch` re-checks on every save;\n\
                 `cargo lab reset {}` puts the exercise back as shipped.\n",
                lesson_table::all().len(),
                lesson.name,
                lesson.topic,
                lesson.chapter,
                lesson.dir,
                lesson.test_command(),
                lesson.name,
            ));
        }
        None => s.push_str(
            "Every lesson is done. `cargo xtask bench` measures the costs on your machine, and\n\
             `cargo xtask verify` proves every exercise honest.\n",
        ),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_student_is_sent_to_the_first_lesson() {
        let text = where_to_start(&Progress::default());
        assert!(text.contains("Lesson 1 of 9: calling-c"), "{text}");
        assert!(
            text.contains("lessons/01-calling-c/src/exercise.rs"),
            "{text}"
        );
        assert!(text.contains("cargo lab check"), "{text}");
    }

    #[test]
    fn progress_moves_the_starting_point() {
        let mut p = Progress::default();
        p.set("calling-c", true);
        let text = where_to_start(&p);
        assert!(text.contains("You have done 1 of 9 lessons"), "{text}");
        assert!(text.contains("Lesson 2 of 9: data-race"), "{text}");
    }
}
