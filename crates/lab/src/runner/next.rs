//! After a pass, moving on: what the lesson taught (its `learnt` line in the table), how far
//! the student is ("3 of 9 lessons done"), and the next lesson with its chapter and the file to
//! open. A student may start anywhere (`cargo lab check locks`), so "next" is the first lesson
//! after this one not yet done, and only then an earlier one left undone.

use lesson_table::Lesson;

use super::progress::Progress;

/// The lesson to take after `lesson`: the first one after it not done, else the first one
/// before it not done; `None` when every other lesson is done.
pub fn after(lesson: &Lesson, progress: &Progress) -> Option<&'static Lesson> {
    let all = lesson_table::all();
    let here = all.iter().position(|l| l.name == lesson.name).unwrap_or(0);
    all[here + 1..]
        .iter()
        .chain(&all[..here])
        .find(|l| !progress.is_done(&l.name))
}

/// "3 of 9 lessons done."
pub fn progress_line(progress: &Progress) -> String {
    let all = lesson_table::all();
    let done = all.iter().filter(|l| progress.is_done(&l.name)).count();
    format!("{done} of {} lessons done.", all.len())
}

/// What to print after `lesson` passed. `recorded` is false for a variant check, which never
/// counts as the student's progress.
pub fn passed(lesson: &Lesson, progress: &Progress, recorded: bool) -> String {
    let mut out = format!("You learnt: {}.\n", lesson.learnt);
    out.push_str(&progress_line(progress));
    if !recorded {
        out.push_str(" (That was a variant, not your exercise: nothing was recorded.)");
    }
    out.push('\n');
    match after(lesson, progress) {
        Some(next) => out.push_str(&next_lesson(next)),
        None => out.push_str("That was the last lesson: every one is done."),
    }
    out
}

/// Where to go for `next`: its number and topic, its chapter, its exercise, and the command.
pub fn next_lesson(next: &Lesson) -> String {
    let number = lesson_table::all()
        .iter()
        .position(|l| l.name == next.name)
        .map_or(0, |i| i + 1);
    format!(
        "Next: lesson {number}, {name} ({topic}).\n  read  {chapter}\n  edit  {dir}/{exercise}\n  \
         then  `cargo lab check {name}` (or `cargo lab watch {name}`)",
        name = next.name,
        topic = next.topic,
        chapter = next.chapter,
        dir = next.dir,
        exercise = lesson_table::EXERCISE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> &'static Lesson {
        lesson_table::find(name).unwrap()
    }

    #[test]
    fn next_is_the_first_undone_after_then_before() {
        let mut p = Progress::default();
        assert_eq!(after(named("calling-c"), &p).unwrap().name, "data-race");
        // A student who started at `locks`, with `atomics` done already.
        p.set("locks", true);
        p.set("atomics", true);
        assert_eq!(after(named("locks"), &p).unwrap().name, "processes");
        for later in ["processes", "arrays", "proving-it"] {
            p.set(later, true);
        }
        assert_eq!(
            after(named("proving-it"), &p).unwrap().name,
            "python-extension"
        );
        p.set("python-extension", true);
        assert_eq!(after(named("python-extension"), &p).unwrap().name, "ranks");
        p.set("ranks", true);
        assert_eq!(after(named("ranks"), &p).unwrap().name, "calling-c");
        for l in lesson_table::all() {
            p.set(&l.name, true);
        }
        assert!(after(named("arrays"), &p).is_none());
    }

    #[test]
    fn a_pass_says_what_was_learnt_how_far_and_where_next() {
        let mut p = Progress::default();
        p.set("calling-c", true);
        let text = passed(named("calling-c"), &p, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!("You learnt: {}.", named("calling-c").learnt)
        );
        assert_eq!(lines[1], "1 of 9 lessons done.");
        assert_eq!(
            lines[2],
            "Next: lesson 2, data-race (the data race, and making loom find it)."
        );
        assert_eq!(lines[3], "  read  mdbook/src/lessons/02-data-race.md");
        assert_eq!(lines[4], "  edit  lessons/02-data-race/src/exercise.rs");
        assert!(
            passed(named("calling-c"), &Progress::default(), false)
                .contains("nothing was recorded")
        );
        for l in lesson_table::all() {
            p.set(&l.name, true);
        }
        assert!(passed(named("ranks"), &p, true).ends_with("every one is done."));
    }
}
