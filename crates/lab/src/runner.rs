//! The students' runner: `list`, `check`, `hint`, `watch`, `reset` (the maintainers' `verify`
//! is in the `xtask` crate). Every lesson is a crate under `lessons/`, described once in
//! `lessons/lessons.toml` (read by [`lesson_table::all`]).

pub mod outcome;
pub mod progress;
pub mod reports;
pub mod test_run;
pub mod watch;

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use indicatif::ProgressBar;

use crate::Table;
use lesson_table::Lesson;
use outcome::{Outcome, Phase};
use progress::Progress;
use test_run::Run;

/// How long compiling a lesson may take (cold caches on 2 cores): not the student's code.
pub const BUILD_LIMIT: Duration = Duration::from_secs(15 * 60);

/// A lesson named by its stable name.
#[derive(Debug, Args)]
pub struct LessonArg {
    /// The lesson's name (as `cargo lab list` shows it); the current lesson when omitted.
    pub lesson: Option<String>,
}

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
}

/// Options for `cargo lab reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The lesson to put back to its shipped state (required: your edits are lost).
    pub lesson: String,
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
fn chosen(name: Option<&str>, progress: &Progress) -> anyhow::Result<&'static Lesson> {
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
    let outcome = check_once(
        lesson,
        args.variant.as_deref(),
        args.test.as_deref(),
        Duration::from_secs(args.timeout),
    );
    if args.variant.is_none() && args.test.is_none() {
        progress = Progress::record(&lesson.name, outcome.passed())?;
    }
    match (outcome.passed(), args.variant.as_deref()) {
        (true, None) => {
            if let Some(next) = current(&progress) {
                println!(
                    "Next lesson: {} ({}). Its book chapter: {}",
                    next.name, next.topic, next.chapter
                );
            }
            Ok(())
        }
        (true, Some(_)) => Ok(()),
        (false, None) => bail!("{} is not done yet", lesson.name),
        (false, Some(variant)) => bail!("{} [{variant}] did not pass", lesson.name),
    }
}

/// Runs one check and prints the verdict for a student.
fn check_once(
    lesson: &Lesson,
    variant: Option<&str>,
    test_target: Option<&str>,
    limit: Duration,
) -> Outcome {
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
    let outcome = test_run::run_reporting(
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
    );
    spinner.finish_and_clear();
    if outcome.passed() {
        println!("\n✓ {}: {outcome}.", lesson.name);
    } else {
        println!("\n✗ {}: {outcome}", lesson.name);
        if variant.is_none() {
            println!(
                "\nEdit {}/src/exercise.rs and check again. Stuck? `cargo lab hint {}`; the \
                 chapter is {}.",
                lesson.dir, lesson.name, lesson.chapter
            );
        }
    }
    outcome
}

/// `cargo lab hint [lesson]`.
pub fn hint(args: &LessonArg) -> anyhow::Result<()> {
    // Progress is read only to find the current lesson: a named lesson's hint needs none, so a
    // corrupt progress file does not stop it.
    let lesson = match args.lesson.as_deref() {
        Some(name) => lesson_named(name)?,
        None => chosen(None, &Progress::load()?)?,
    };
    println!("Hint for {} ({}):\n", lesson.name, lesson.topic);
    println!("{}\n", wrap(&lesson.hint, 92));
    println!(
        "The chapter: {}. The solution, for afterwards: {}/{}.",
        lesson.chapter,
        lesson.dir,
        lesson_table::SOLUTION
    );
    Ok(())
}

/// `cargo lab watch [lesson]`: checks, then re-checks every time a file of the lesson is saved,
/// until it passes.
pub fn watch(args: &WatchArgs) -> anyhow::Result<()> {
    let mut progress = Progress::load()?;
    let lesson = chosen(args.lesson.as_deref(), &progress)?;
    let dirs = [lesson.path("src")];
    let mut changes = watch::Changes::new(&dirs, args.poll)?;
    loop {
        let outcome = check_once(lesson, None, None, Duration::from_secs(args.timeout));
        progress = Progress::record(&lesson.name, outcome.passed())?;
        if outcome.passed() {
            match current(&progress) {
                Some(next) => println!("Next: `cargo lab watch {}`.", next.name),
                None => println!("That was the last lesson."),
            }
            return Ok(());
        }
        println!(
            "\nWatching {}/src for saves ({}); Ctrl-C to stop.",
            lesson.dir,
            changes.how()
        );
        changes.wait()?;
    }
}

/// `cargo lab reset <lesson>`: puts the exercise back exactly as shipped, from the copy stored
/// in the lesson (no git needed).
pub fn reset(args: &ResetArgs) -> anyhow::Result<()> {
    let lesson = lesson_named(&args.lesson)?;
    let exercise = lesson.path(lesson_table::EXERCISE);
    let shipped = lesson.path(lesson_table::SHIPPED);
    if reset_at(&shipped, &exercise, &progress::path(), &lesson.name)? {
        println!("{} is back as shipped.", exercise.display());
    } else {
        println!("{} is already as shipped.", exercise.display());
    }
    Ok(())
}

/// Puts `exercise` back from `shipped` and records `lesson` as not done in the progress file
/// at `progress`. Checks first, then writes: the progress file is read (under its lock) before
/// the exercise is touched, so a corrupt one stops the reset with nothing changed, and so does
/// a missing shipped copy. True when the exercise was rewritten.
fn reset_at(
    shipped: &std::path::Path,
    exercise: &std::path::Path,
    progress: &std::path::Path,
    lesson: &str,
) -> anyhow::Result<bool> {
    let (_, wrote) = Progress::update_at(progress, |p| {
        let wrote = restore(shipped, exercise)?;
        p.set(lesson, false);
        Ok(wrote)
    })?;
    Ok(wrote)
}

/// Copies `shipped` over `exercise` unless they are equal; true when it wrote.
fn restore(shipped: &std::path::Path, exercise: &std::path::Path) -> anyhow::Result<bool> {
    let original = std::fs::read(shipped)
        .with_context(|| format!("the shipped copy {} is missing", shipped.display()))?;
    if std::fs::read(exercise).ok().as_deref() == Some(&original[..]) {
        return Ok(false);
    }
    std::fs::write(exercise, &original)
        .with_context(|| format!("cannot write {}", exercise.display()))?;
    Ok(true)
}

fn wrap(text: &str, width: usize) -> String {
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
    fn reset_restores_the_shipped_copy_without_git() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = dir.path().join("shipped.rs");
        let exercise = dir.path().join("exercise.rs");
        std::fs::write(&shipped, "// TODO: as shipped\n").unwrap();
        std::fs::write(&exercise, "// a student's half-done edit\n").unwrap();
        assert!(
            restore(&shipped, &exercise).unwrap(),
            "an edited file is rewritten"
        );
        assert_eq!(
            std::fs::read_to_string(&exercise).unwrap(),
            "// TODO: as shipped\n"
        );
        assert!(
            !restore(&shipped, &exercise).unwrap(),
            "an unedited file is left alone"
        );
        std::fs::remove_file(&exercise).unwrap();
        assert!(
            restore(&shipped, &exercise).unwrap(),
            "a deleted exercise comes back"
        );
        std::fs::remove_file(&shipped).unwrap();
        let err = restore(&shipped, &exercise).unwrap_err().to_string();
        assert!(err.contains("shipped copy"), "{err}");
    }

    #[test]
    fn a_corrupt_progress_file_stops_reset_before_it_writes() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = dir.path().join("shipped.rs");
        let exercise = dir.path().join("exercise.rs");
        let progress = dir.path().join("progress.json");
        std::fs::write(&shipped, "// TODO: as shipped\n").unwrap();
        std::fs::write(&exercise, "// a student's work\n").unwrap();
        std::fs::write(&progress, "{\"done\": [\"calling-c\"").unwrap();
        let err = reset_at(&shipped, &exercise, &progress, "calling-c").unwrap_err();
        assert!(format!("{err:#}").contains("not valid progress"), "{err:#}");
        assert_eq!(
            std::fs::read_to_string(&exercise).unwrap(),
            "// a student's work\n",
            "the exercise was reset although the progress could not be"
        );
        std::fs::write(&progress, r#"{"done": ["calling-c", "locks"]}"#).unwrap();
        assert!(reset_at(&shipped, &exercise, &progress, "calling-c").unwrap());
        assert_eq!(
            std::fs::read_to_string(&exercise).unwrap(),
            "// TODO: as shipped\n"
        );
        let saved = Progress::load_from(&progress).unwrap();
        assert!(!saved.is_done("calling-c") && saved.is_done("locks"));
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
