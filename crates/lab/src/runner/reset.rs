//! `cargo lab reset`: puts an exercise back exactly as shipped, from the copy stored in the
//! lesson (no git needed). The file it overwrites is first copied to `target/lab/backups/`
//! (the path is printed), so a reset typed by mistake loses nothing. `--all` resets every
//! lesson, and asks first: y/N on a terminal, and without one only with `--yes`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use super::paths;
use super::progress::{self, Progress};
use lesson_table::Lesson;

/// Options for `cargo lab reset`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["lesson", "all"])))]
pub struct ResetArgs {
    /// The lesson to put back to its shipped state (your file is backed up first, under
    /// target/lab/backups/).
    pub lesson: Option<String>,
    /// Reset every lesson (asks for confirmation first).
    #[arg(long)]
    pub all: bool,
    /// With --all: do not ask (needed when stdin is not a terminal).
    #[arg(long, conflicts_with = "lesson")]
    pub yes: bool,
}

/// `cargo lab reset <lesson>` or `cargo lab reset --all [--yes]`.
pub fn reset(args: &ResetArgs) -> anyhow::Result<()> {
    let lessons: Vec<&Lesson> = match args.lesson.as_deref() {
        Some(name) => vec![super::lesson_named(name)?],
        None => {
            let all = lesson_table::all();
            let question = format!(
                "Put all {} exercises back as shipped? Your files are backed up in {} first. \
                 [y/N] ",
                all.len(),
                paths::shown(&paths::backups())
            );
            let stdin = std::io::stdin();
            let terminal = stdin.is_terminal();
            if !confirmed(args.yes, terminal, &question, &mut stdin.lock())? {
                println!("Nothing was reset.");
                return Ok(());
            }
            all.iter().collect()
        }
    };
    for lesson in lessons {
        let exercise = lesson.path(lesson_table::EXERCISE);
        let shipped = lesson.path(lesson_table::SHIPPED);
        let shown = paths::shown(&exercise);
        match reset_at(
            &shipped,
            &exercise,
            &paths::backups(),
            &progress::path(),
            &lesson.name,
        )? {
            Reset::Unchanged => println!("{shown} is already as shipped."),
            Reset::Restored(None) => println!("{shown} is back as shipped (it was missing)."),
            Reset::Restored(Some(backup)) => println!(
                "{shown} is back as shipped. Your version is saved as {}.",
                paths::shown(&backup)
            ),
        }
    }
    Ok(())
}

/// Whether to go on: `yes` says so; otherwise a terminal is asked (`y` or `yes` goes on,
/// anything else does not), and without one the answer is an error that names `--yes`.
pub fn confirmed(
    yes: bool,
    terminal: bool,
    question: &str,
    answers: &mut dyn BufRead,
) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    if !terminal {
        bail!(
            "reset --all asks before it resets every lesson, and stdin is not a terminal: pass --yes to reset them all"
        );
    }
    print!("{question}");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    answers.read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// What a reset did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reset {
    /// The exercise already equalled the shipped copy.
    Unchanged,
    /// The exercise was rewritten; the file it replaced was saved here (`None`: there was none).
    Restored(Option<PathBuf>),
}

/// Puts `exercise` back from `shipped`, saving the replaced file in `backups` first, and records
/// `lesson` as not done in the progress file at `progress`. Checks first, then writes: the
/// progress file is read (under its lock) before the exercise is touched, so a corrupt one
/// stops the reset with nothing changed, and so does a missing shipped copy or a backup that
/// cannot be written.
pub fn reset_at(
    shipped: &Path,
    exercise: &Path,
    backups: &Path,
    progress: &Path,
    lesson: &str,
) -> anyhow::Result<Reset> {
    let (_, done) = Progress::update_at(progress, |p| {
        let done = restore(shipped, exercise, backups, lesson)?;
        p.set(lesson, false);
        Ok(done)
    })?;
    Ok(done)
}

/// Copies `shipped` over `exercise` unless they are equal, backing the old one up in `backups`.
fn restore(shipped: &Path, exercise: &Path, backups: &Path, lesson: &str) -> anyhow::Result<Reset> {
    let original = std::fs::read(shipped)
        .with_context(|| format!("the shipped copy {} is missing", shipped.display()))?;
    let current = std::fs::read(exercise).ok();
    if current.as_deref() == Some(&original[..]) {
        return Ok(Reset::Unchanged);
    }
    let backup = match current {
        Some(current) => {
            std::fs::create_dir_all(backups)
                .with_context(|| format!("cannot create {}", backups.display()))?;
            let path = paths::new_backup(backups, lesson, jiff::Timestamp::now());
            std::fs::write(&path, current)
                .with_context(|| format!("cannot back up your file to {}", path.display()))?;
            Some(path)
        }
        None => None,
    };
    std::fs::write(exercise, &original)
        .with_context(|| format!("cannot write {}", exercise.display()))?;
    Ok(Reset::Restored(backup))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files {
        _dir: tempfile::TempDir,
        shipped: PathBuf,
        exercise: PathBuf,
        backups: PathBuf,
        progress: PathBuf,
    }

    fn files() -> Files {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let f = Files {
            shipped: at("shipped.rs"),
            exercise: at("exercise.rs"),
            backups: at("backups"),
            progress: at("progress.json"),
            _dir: dir,
        };
        std::fs::write(&f.shipped, "// TODO: as shipped\n").unwrap();
        f
    }

    fn reset(f: &Files) -> anyhow::Result<Reset> {
        reset_at(
            &f.shipped,
            &f.exercise,
            &f.backups,
            &f.progress,
            "calling-c",
        )
    }

    #[test]
    fn reset_restores_the_shipped_copy_without_git() {
        let f = files();
        std::fs::write(&f.exercise, "// a student's half-done edit\n").unwrap();
        let Reset::Restored(Some(backup)) = reset(&f).unwrap() else {
            panic!("an edited file is rewritten and backed up");
        };
        assert_eq!(
            std::fs::read_to_string(&f.exercise).unwrap(),
            "// TODO: as shipped\n"
        );
        assert!(backup.starts_with(&f.backups), "{}", backup.display());
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            "// a student's half-done edit\n"
        );
        assert_eq!(
            reset(&f).unwrap(),
            Reset::Unchanged,
            "an unedited file is left alone"
        );
        std::fs::remove_file(&f.exercise).unwrap();
        assert_eq!(
            reset(&f).unwrap(),
            Reset::Restored(None),
            "a deleted exercise comes back"
        );
        std::fs::remove_file(&f.shipped).unwrap();
        let err = reset(&f).unwrap_err().to_string();
        assert!(err.contains("shipped copy"), "{err}");
    }

    #[test]
    fn a_corrupt_progress_file_stops_reset_before_it_writes() {
        let f = files();
        std::fs::write(&f.exercise, "// a student's work\n").unwrap();
        std::fs::write(&f.progress, "{\"done\": [\"calling-c\"").unwrap();
        let err = reset(&f).unwrap_err();
        assert!(format!("{err:#}").contains("not valid progress"), "{err:#}");
        assert_eq!(
            std::fs::read_to_string(&f.exercise).unwrap(),
            "// a student's work\n",
            "the exercise was reset although the progress could not be"
        );
        assert!(!f.backups.exists());
        std::fs::write(&f.progress, r#"{"done": ["calling-c", "locks"]}"#).unwrap();
        assert!(matches!(reset(&f).unwrap(), Reset::Restored(Some(_))));
        let saved = Progress::load_from(&f.progress).unwrap();
        assert!(!saved.is_done("calling-c") && saved.is_done("locks"));
    }

    #[test]
    fn reset_all_asks_first_and_refuses_without_a_terminal() {
        let ask = |yes, terminal, answer: &str| {
            confirmed(
                yes,
                terminal,
                "",
                &mut std::io::Cursor::new(answer.to_string()),
            )
        };
        assert!(ask(false, true, "y\n").unwrap());
        assert!(ask(false, true, "YES\n").unwrap());
        assert!(!ask(false, true, "\n").unwrap(), "the default is no");
        assert!(!ask(false, true, "n\n").unwrap());
        assert!(!ask(false, true, "").unwrap(), "end of input is no");
        let err = ask(false, false, "y\n").unwrap_err().to_string();
        assert!(err.contains("--yes"), "{err}");
        assert!(ask(true, false, "").unwrap());
    }

    #[test]
    fn reset_takes_a_lesson_or_all_and_yes_only_with_all() {
        use clap::Parser;
        #[derive(Debug, Parser)]
        struct Cmd {
            #[command(flatten)]
            args: ResetArgs,
        }
        assert!(Cmd::try_parse_from(["reset"]).is_err(), "which lesson?");
        assert!(Cmd::try_parse_from(["reset", "locks", "--all"]).is_err());
        assert!(Cmd::try_parse_from(["reset", "locks", "--yes"]).is_err());
        let all = Cmd::try_parse_from(["reset", "--all", "--yes"])
            .unwrap()
            .args;
        assert!(all.all && all.yes && all.lesson.is_none());
        let one = Cmd::try_parse_from(["reset", "locks"]).unwrap().args;
        assert_eq!(one.lesson.as_deref(), Some("locks"));
    }
}
