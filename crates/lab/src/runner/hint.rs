//! `cargo lab hint`: a lesson's hints one tier at a time. One hint that says everything gives
//! the exercise away, so each lesson has 2 to 4 (a nudge first, nearly the answer last), and
//! each call shows the next one not yet seen ("hint 2 of 3"), remembering in the progress file
//! how many were shown; `--all` shows every one. Once all were seen, the last is shown again.

use clap::Args;

use super::progress::{self, Progress};
use lesson_table::Lesson;

/// Options for `cargo lab hint`.
#[derive(Debug, Args)]
pub struct HintArgs {
    /// The lesson's name (as `cargo lab list` shows it); the current lesson when omitted.
    pub lesson: Option<String>,
    /// Show every hint tier at once, up to the one that nearly gives the answer.
    #[arg(long)]
    pub all: bool,
}

/// `cargo lab hint [lesson] [--all]`.
pub fn hint(args: &HintArgs) -> anyhow::Result<()> {
    // Without a name, the current lesson comes from progress: a corrupt file stops it. With a
    // name, the hint is shown all the same, from the first tier, with a word on why.
    let lesson = match args.lesson.as_deref() {
        Some(name) => super::lesson_named(name)?,
        None => super::chosen(None, &Progress::load()?)?,
    };
    let total = lesson.hints.len();
    let remembered = Progress::update_at(&progress::path(), |p| {
        let from = if args.all {
            0
        } else {
            next_tier(p.hints_seen(&lesson.name), total)
        };
        let to = if args.all { total } else { from + 1 };
        p.saw_hints(&lesson.name, to);
        Ok((from, to))
    });
    let (from, to) = match remembered {
        Ok((_, range)) => range,
        Err(err) => {
            eprintln!("(cannot remember which hints you saw: {err:#})");
            if args.all { (0, total) } else { (0, 1) }
        }
    };
    println!("{}", render(lesson, from, to));
    Ok(())
}

/// The tier to show (0-based) after `seen` were shown: the next, or the last again.
pub fn next_tier(seen: usize, total: usize) -> usize {
    seen.min(total.saturating_sub(1))
}

/// Hints `from..to` of `lesson`, each headed "hint N of M", then what is left and where to read.
pub fn render(lesson: &Lesson, from: usize, to: usize) -> String {
    let total = lesson.hints.len();
    let mut out = format!("Hint for {} ({}):\n", lesson.name, lesson.topic);
    for (i, text) in lesson.hints.iter().enumerate().take(to).skip(from) {
        out.push_str(&format!(
            "\nhint {} of {total}:\n{}\n",
            i + 1,
            super::wrap(text, 92)
        ));
    }
    out.push('\n');
    if to < total {
        out.push_str(&format!(
            "Still stuck? `cargo lab hint {}` again shows hint {} of {total} (`--all` shows every \
             one).\n",
            lesson.name,
            to + 1
        ));
    } else {
        out.push_str("That was the last hint.\n");
    }
    out.push_str(&format!(
        "The chapter: {}. The solution, for afterwards: {}/{}.",
        lesson.chapter,
        lesson.dir,
        lesson_table::SOLUTION
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_shown_in_order_then_the_last_again() {
        assert_eq!(next_tier(0, 3), 0);
        assert_eq!(next_tier(2, 3), 2);
        assert_eq!(next_tier(3, 3), 2);
        assert_eq!(next_tier(9, 3), 2);
    }

    #[test]
    fn a_tier_says_which_of_how_many_and_what_is_left() {
        let lesson = lesson_table::find("locks").unwrap();
        let total = lesson.hints.len();
        let first = render(lesson, 0, 1);
        assert!(first.contains(&format!("hint 1 of {total}:")), "{first}");
        assert!(!first.contains("hint 2 of 3:"), "{first}");
        assert!(
            first.contains(&format!("shows hint 2 of {total}")),
            "{first}"
        );
        let all = render(lesson, 0, total);
        for n in 1..=total {
            assert!(all.contains(&format!("hint {n} of {total}:")), "{all}");
        }
        assert!(all.contains("That was the last hint."), "{all}");
    }
}
