//! The students' runner: `list`, `check`, `hint`, `watch`, `reset` (the maintainers' `verify`
//! is in the `xtask` crate). Every lesson is a crate under `lessons/`, described once in
//! `lessons/lessons.toml` (read by [`lesson_table::all`]).

pub mod failure;
pub mod feedback;
pub mod hint;
pub mod loom_report;
pub mod needs;
pub mod next;
pub mod outcome;
pub mod paths;
pub mod progress;
pub mod reports;
pub mod reset;
pub mod test_run;
pub mod trim;
pub mod watch;

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, bail};

use clap::Args;
pub use hint::{HintArgs, hint};
use indicatif::ProgressBar;
pub use reset::{ResetArgs, reset};

use crate::Table;
use lesson_table::Lesson;
use outcome::{Outcome, Phase};
use progress::Progress;
use test_run::Run;

/// How long compiling a lesson may take (cold caches on 2 cores): not the student's code.
pub const BUILD_LIMIT: Duration = Duration::from_secs(15 * 60);

/// A check that did not pass. Its report is printed already, ending with the sentence to read:
/// `cargo lab` exits with status 1 and prints nothing after it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotPassed(pub String);

/// Options for `cargo lab check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The lesson's name (as `cargo lab list` shows it); the current lesson when omitted.
    pub lesson: Option<String>,
    /// Seconds the tests may run before they are stopped (a deadlock or an endless loop); at
    /// least 1.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Check another file instead of your exercise: `solution`, `shipped` or a wrong-answer
    /// fixture (`wrong-*`, listed in lessons/lessons.toml). Never records progress.
    #[arg(long)]
    pub variant: Option<String>,
    /// Show a failing test's report untrimmed: by default long values are cut to their head,
    /// tail and first difference (the whole output is always saved under
    /// target/lab/last-check/, and its path printed).
    #[arg(long, short)]
    pub verbose: bool,
    /// Maintainers: run only this test target of the lesson.
    #[arg(long, hide = true)]
    pub test: Option<String>,
}

/// Options for `cargo lab watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The lesson's name; the current lesson when omitted.
    pub lesson: Option<String>,
    /// Seconds the tests may run before they are stopped; at least 1.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Poll modification times instead of using file events.
    #[arg(long)]
    pub poll: bool,
    /// Show a failing test's report in full, untrimmed (as `check --verbose`).
    #[arg(long, short)]
    pub verbose: bool,
}

/// The lesson crates' package names (the test command excludes them from `--workspace`).
pub fn lesson_packages() -> Vec<&'static str> {
    lesson_table::all()
        .iter()
        .map(|l| l.name.as_str())
        .collect()
}

/// The lesson with this name, or an error that lists the lessons.
pub fn lesson_named(name: &str) -> anyhow::Result<&'static Lesson> {
    lesson_table::find(name).with_context(|| {
        format!(
            "no lesson is called `{name}`; lessons: {}",
            lesson_table::names()
        )
    })
}

/// The named lesson, or the first one not yet passed.
pub(crate) fn chosen(name: Option<&str>, progress: &Progress) -> anyhow::Result<&'static Lesson> {
    match name {
        Some(name) => lesson_named(name),
        None => Ok(current(progress).unwrap_or_else(|| {
            lesson_table::all()
                .last()
                .expect("the lesson table has lessons")
        })),
    }
}

/// The first lesson not yet passed.
pub fn current(progress: &Progress) -> Option<&'static Lesson> {
    lesson_table::all()
        .iter()
        .find(|l| !progress.is_done(&l.name))
}

// ANCHOR: list
/// `cargo lab list`: every lesson, its stable name, and your progress.
pub fn list() -> anyhow::Result<()> {
    let progress = Progress::load()?;
    let now = current(&progress).map(|l| l.name.as_str());
    let mut table = Table::new(["#", "lesson", "status", "what it teaches"]);
    for (i, lesson) in lesson_table::all().iter().enumerate() {
        let status = if progress.is_done(&lesson.name) {
            "done"
        } else if Some(lesson.name.as_str()) == now {
            "<- current"
        } else {
            ""
        };
        table.row([
            format!("{}", i + 1),
            lesson.name.to_string(),
            status.to_string(),
            lesson.topic.to_string(),
        ]);
    }
    println!("{}", table.render());
    let all = lesson_table::all();
    let done = all.iter().filter(|l| progress.is_done(&l.name)).count();
    println!("{done} of {} lessons done.", all.len());
    match now {
        Some(name) => println!("Next: edit {}/src/exercise.rs, then `cargo lab check`.", {
            &lesson_named(name)?.dir
        }),
        None => println!("All done. `cargo xtask verify` proves every exercise honest."),
    }
    Ok(())
}
// ANCHOR_END: list

/// `cargo lab check [lesson]`: runs the lesson's tests under a time limit and shows the first
/// failing test plainly. Records the lesson as done when it passes.
pub fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let mut progress = Progress::load()?;
    let lesson = chosen(args.lesson.as_deref(), &progress)?;
    if let Some(variant) = args.variant.as_deref()
        && lesson.variant(variant).is_none()
    {
        bail!(
            "lesson `{}` has no variant `{variant}`; its variants: {}",
            lesson.name,
            lesson.variant_names()
        );
    }
    let (outcome, sentence) = check_once(
        lesson,
        args.variant.as_deref(),
        args.test.as_deref(),
        Duration::from_secs(args.timeout),
        args.verbose,
    );
    if let Some(sentence) = sentence {
        println!("{sentence}");
    }
    let recorded = args.variant.is_none() && args.test.is_none();
    if recorded {
        progress = Progress::record(&lesson.name, outcome.passed())?;
    }
    match (outcome.passed(), args.variant.as_deref()) {
        (true, _) => {
            println!("\n{}", next::passed(lesson, &progress, recorded));
            Ok(())
        }
        (false, None) => Err(NotPassed(format!("{} is not done yet", lesson.name)).into()),
        (false, Some(variant)) => {
            Err(NotPassed(format!("{} [{variant}] did not pass", lesson.name)).into())
        }
    }
}

/// Runs one check and prints the verdict for a student ([`feedback`]), trimmed unless `full`,
/// with the path of the saved untrimmed output. The sentence to read is returned, not printed:
/// the caller prints it last, after anything it has to add (`watch`'s "Watching ...").
fn check_once(
    lesson: &Lesson,
    variant: Option<&str>,
    test_target: Option<&str>,
    limit: Duration,
    full: bool,
) -> (Outcome, Option<String>) {
    let command = match variant {
        Some(v) => format!(
            "{}={v} {}",
            lesson_table::VARIANT_ENV,
            lesson.test_command()
        ),
        None => lesson.test_command(),
    };
    println!("Checking {}: `{command}` ...", lesson.name);
    let spinner = ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(120));
    let mut raw = format!("$ {command}\n");
    let outcome = test_run::run_recording(
        &Run {
            lesson,
            variant,
            test_target,
            build_limit: BUILD_LIMIT,
            test_limit: limit,
        },
        &mut |phase| {
            spinner.set_message(match phase {
                Phase::Build => "compiling (the first time takes a few minutes)".to_string(),
                Phase::Tests => format!("running the tests (stopped after {} s)", limit.as_secs()),
            })
        },
        &mut raw,
    );
    spinner.finish_and_clear();
    if outcome.passed() {
        println!("\n✓ {}: {outcome}.", lesson.name);
        return (outcome, None);
    }
    let said = feedback::of(&outcome, full);
    println!("\n✗ {}: {}", lesson.name, said.headline);
    if let Some(details) = &said.details {
        println!("\n{details}");
    }
    println!();
    let log = paths::log_file(&lesson.name, variant);
    match save(&log, &raw) {
        Ok(()) => println!(
            "The whole output ({} lines): {}",
            raw.lines().count(),
            paths::shown(&log)
        ),
        Err(err) => println!("(the whole output could not be saved: {err:#})"),
    }
    if variant.is_none() {
        println!(
            "Edit {}/{} and check again. Stuck? `cargo lab hint {}`; the chapter is {}.",
            lesson.dir,
            lesson_table::EXERCISE,
            lesson.name,
            lesson.chapter
        );
    }
    let sentence = said
        .lesson
        .map(|lesson| format!("\n→ {}", wrap(&lesson, 92).replace('\n', "\n  ")));
    (outcome, sentence)
}

/// Writes `text` to `path`, creating its folder.
fn save(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// `cargo lab watch [lesson]`: checks, then re-checks every time a file of the lesson is saved,
/// until it passes; then says what was learnt and follows to the next lesson not done, until
/// none is left. On a terminal, the screen is cleared before each re-check, so the report on
/// screen is the last one, whole; the pass message stays above the next lesson's first check.
pub fn watch(args: &WatchArgs) -> anyhow::Result<()> {
    let mut progress = Progress::load()?;
    let mut lesson = chosen(args.lesson.as_deref(), &progress)?;
    let screen = console::Term::stdout();
    let clear = std::io::stdout().is_terminal();
    let limit = Duration::from_secs(args.timeout);
    loop {
        let mut changes = watch::Changes::new(&[lesson.path("src")], args.poll)?;
        let mut rerun = false;
        loop {
            if rerun && clear {
                screen.clear_screen()?;
            }
            let (outcome, sentence) = check_once(lesson, None, None, limit, args.verbose);
            progress = Progress::record(&lesson.name, outcome.passed())?;
            if outcome.passed() {
                break;
            }
            println!(
                "\nWatching {}/src for saves ({}); Ctrl-C to stop.",
                lesson.dir,
                changes.how()
            );
            // Last on screen while it waits: the sentence to read.
            if let Some(sentence) = sentence {
                println!("{sentence}");
            }
            changes.wait()?;
            rerun = true;
        }
        println!("\n{}", next::passed(lesson, &progress, true));
        match next::after(lesson, &progress) {
            Some(next) => {
                println!("\nWatching {} now.\n", next.name);
                lesson = next;
            }
            None => return Ok(()),
        }
    }
}

/// Wraps `text` at `width` columns, keeping words whole.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_lesson_is_the_first_not_done() {
        let all = lesson_table::all();
        let name = |l: Option<&Lesson>| l.map(|l| l.name.clone());
        let mut p = Progress::default();
        assert_eq!(name(current(&p)), Some(all[0].name.clone()));
        p.set(&all[0].name, true);
        assert_eq!(name(current(&p)), Some(all[1].name.clone()));
        for l in all {
            p.set(&l.name, true);
        }
        assert!(current(&p).is_none());
    }

    #[test]
    fn time_limits_under_a_second_are_refused() {
        use clap::Parser;
        #[derive(Debug, Parser)]
        struct Check {
            #[command(flatten)]
            args: CheckArgs,
        }
        #[derive(Debug, Parser)]
        struct Watch {
            #[command(flatten)]
            args: WatchArgs,
        }
        let err = Check::try_parse_from(["check", "calling-c", "--timeout", "0"]).unwrap_err();
        assert!(err.to_string().contains("--timeout"), "{err}");
        assert!(Watch::try_parse_from(["watch", "--timeout", "0"]).is_err());
        let ok = Check::try_parse_from(["check", "--timeout", "1"]).unwrap();
        assert_eq!(ok.args.timeout, 1);
        assert_eq!(Check::try_parse_from(["check"]).unwrap().args.timeout, 60);
    }

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
    }
}
