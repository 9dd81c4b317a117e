//! `cargo xtask mutants`: grading that wrong answers cannot pass, measured. cargo-mutants
//! changes each lesson's reference solution in small ways (a function that returns a default,
//! `<` for `<=`, a deleted `!`), and every such mutant must fail one of the lesson's tests, or be
//! listed in `lessons/lessons.toml` as equivalent, with the reason no test could tell.
//!
//! A full run takes minutes per lesson (a rebuild and the lesson's tests per mutant), longer
//! than CI can give it, so it is a maintainer's command that writes its result to
//! [`RECORD`], with a hash of every file the result depends on. CI runs `--check`: the record is
//! fresh (no solution, test or lesson file changed since) and every survivor is explained.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use lab::runner::lesson_named;
use lesson_table::Lesson;
use supervisor::{Output, cargo, describe};

/// The committed result of the last full run, from the workspace root.
pub const RECORD: &str = "lessons/mutants.toml";
/// Files outside the lesson folder that its grading depends on (the shared test helpers).
const SHARED_INPUTS: &[&str] = &["crates/lesson-support"];
/// How long one lesson's run may take (a cold build included).
const LESSON_LIMIT: Duration = Duration::from_secs(60 * 60);

/// Options for `cargo xtask mutants`.
#[derive(Debug, Args)]
pub struct MutantsArgs {
    /// Only these lessons (all of them when omitted); the others' records are kept.
    pub lessons: Vec<String>,
    /// Run nothing: check that the committed record is fresh and every survivor is explained.
    #[arg(long)]
    pub check: bool,
}

/// [`RECORD`]: one entry per lesson.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    lesson: Vec<LessonRecord>,
}

/// One lesson's run: what it was run on, and what happened to each mutant (by its name
/// without the `file:line:column: ` prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonRecord {
    name: String,
    /// `cargo mutants --version`.
    tool: String,
    /// How long the run took, in seconds.
    seconds: u64,
    caught: Vec<String>,
    /// The tests never ended (an endless loop): caught by the time limit.
    timeout: Vec<String>,
    /// The mutant does not compile: nothing to catch.
    unviable: Vec<String>,
    /// Survivors: each must be a `[[lesson.equivalent]]` of the lesson table.
    missed: Vec<String>,
    /// SHA-256 of each input file, by its path from the workspace root.
    inputs: BTreeMap<String, String>,
}

/// Runs cargo-mutants on the chosen lessons' solutions and rewrites their records, then checks
/// the whole record; with `--check`, only checks.
pub fn run(args: &MutantsArgs) -> anyhow::Result<()> {
    let root = lab::workspace_root();
    if !args.check {
        let chosen: Vec<&Lesson> = if args.lessons.is_empty() {
            lesson_table::all().iter().collect()
        } else {
            args.lessons
                .iter()
                .map(|n| lesson_named(n))
                .collect::<Result<_, _>>()?
        };
        for lesson in chosen {
            let fresh = run_lesson(&root, lesson)?;
            let mut record = read_record(&root)?;
            record.lesson.retain(|r| r.name != lesson.name);
            record.lesson.push(fresh);
            let order =
                |r: &LessonRecord| lesson_table::all().iter().position(|l| l.name == r.name);
            record.lesson.sort_by_key(order);
            write_record(&root, &record)?;
        }
    }
    let record = read_record(&root)?;
    let mut defects = Vec::new();
    for lesson in lesson_table::all() {
        let found = record.lesson.iter().find(|r| r.name == lesson.name);
        let d = judge(lesson, found, &inputs(&root, lesson)?);
        if d.is_empty() {
            let r = found.expect("judged fine, so recorded");
            println!(
                "mutants: {:<11} {:>3} caught, {:>2} timeout, {:>2} unviable, {:>2} equivalent",
                lesson.name,
                r.caught.len(),
                r.timeout.len(),
                r.unviable.len(),
                r.missed.len()
            );
        }
        defects.extend(d);
    }
    if !defects.is_empty() {
        for d in &defects {
            eprintln!("DEFECT: {d}");
        }
        bail!("{} defect(s) in {RECORD}", defects.len());
    }
    println!("mutants: {RECORD} is fresh and every survivor is listed as equivalent");
    Ok(())
}

// ANCHOR: judge
/// What is wrong with a lesson's record, given the lesson's inputs as they are now.
fn judge(
    lesson: &Lesson,
    record: Option<&LessonRecord>,
    now: &BTreeMap<String, String>,
) -> Vec<String> {
    let name = &lesson.name;
    let rerun = format!("rerun `cargo xtask mutants {name}`");
    let Some(record) = record else {
        return vec![format!("{name}: no mutation result in {RECORD}: {rerun}")];
    };
    let changed: Vec<&str> = now
        .keys()
        .chain(record.inputs.keys())
        .filter(|f| now.get(*f) != record.inputs.get(*f))
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !changed.is_empty() {
        return vec![format!(
            "{name}: changed since its mutants were run ({}): {rerun}",
            changed.join(", ")
        )];
    }
    let mut defects = Vec::new();
    let tested = record.caught.len() + record.timeout.len() + record.missed.len();
    if tested == 0 {
        defects.push(format!("{name}: no viable mutant was tested"));
    }
    let survivors: std::collections::BTreeSet<&String> = record.missed.iter().collect();
    for survivor in survivors {
        if !lesson.equivalents.iter().any(|e| &e.mutant == survivor) {
            defects.push(format!(
                "{name}: mutant `{survivor}` passes every test: kill it with a test, or list it \
                 in lessons.toml as a [[lesson.equivalent]] with why no test can tell"
            ));
        }
    }
    for listed in &lesson.equivalents {
        if !record.missed.contains(&listed.mutant) {
            defects.push(format!(
                "{name}: `{}` is listed as equivalent but is not a survivor: remove it",
                listed.mutant
            ));
        }
    }
    defects
}
// ANCHOR_END: judge

/// The files a lesson's result depends on, each with its SHA-256: the lesson folder except the
/// student's file, the shipped copy, the fixtures and the README, plus [`SHARED_INPUTS`].
fn inputs(root: &Path, lesson: &Lesson) -> anyhow::Result<BTreeMap<String, String>> {
    let skip = |rel: &str| {
        rel == lesson_table::EXERCISE
            || rel.starts_with("shipped/")
            || rel.starts_with("solution/wrong_")
            || rel == "README.md"
    };
    let mut files = BTreeMap::new();
    let folders = std::iter::once(lesson.dir.as_str()).chain(SHARED_INPUTS.iter().copied());
    for folder in folders {
        for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
            let entry = entry?;
            let path = entry.path();
            let in_folder = path.strip_prefix(root.join(folder))?.to_string_lossy();
            if !entry.file_type().is_file() || (folder == lesson.dir && skip(&in_folder)) {
                continue;
            }
            let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
            let rel = path.strip_prefix(root)?.to_string_lossy().into_owned();
            files.insert(rel, format!("{:x}", Sha256::digest(&bytes)));
        }
    }
    Ok(files)
}

/// One lesson's full run, in a scratch copy of the workspace with the solution in the
/// exercise's place (cargo-mutants mutates the file the lesson compiles, `src/exercise.rs`).
fn run_lesson(root: &Path, lesson: &Lesson) -> anyhow::Result<LessonRecord> {
    let scratch = root.join("target/mutants");
    let tree = scratch.join("workspace");
    mirror_workspace(root, &tree)?;
    std::fs::copy(
        lesson.path(lesson_table::SOLUTION),
        tree.join(&lesson.dir).join(lesson_table::EXERCISE),
    )?;
    let out = scratch.join("out").join(&lesson.name);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let mut cmd = Command::new(cargo());
    cmd.current_dir(&tree)
        .args([
            "mutants",
            "--in-place",
            "--no-shuffle",
            "--package",
            &lesson.name,
        ])
        .arg("--file")
        .arg(Path::new(&lesson.dir).join(lesson_table::EXERCISE))
        .arg("--output")
        .arg(&out)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove(lesson_table::VARIANT_ENV);
    println!("\n=== mutants: {}\n$ {}", lesson.name, describe(&cmd));
    let started = Instant::now();
    let done = supervisor::run(&mut cmd, LESSON_LIMIT, Output::Inherit)
        .with_context(|| format!("cargo mutants on {}", lesson.name))?;
    // cargo-mutants exits 2 when mutants were missed, 3 on timeouts: the outcomes say which.
    if !matches!(done.status.code(), Some(0 | 2 | 3)) {
        bail!(
            "cargo mutants on {} failed ({}): is cargo-mutants installed (`cargo install cargo-mutants --locked`), and does the solution pass?",
            lesson.name,
            done.status
        );
    }
    let outcomes = out.join("mutants.out/outcomes.json");
    let text = std::fs::read_to_string(&outcomes)
        .with_context(|| format!("cannot read {}", outcomes.display()))?;
    let mut record = sort_outcomes(&text)?;
    record.name = lesson.name.clone();
    record.seconds = started.elapsed().as_secs();
    record.tool = tool_version()?;
    record.inputs = inputs(root, lesson)?;
    Ok(record)
}

/// Sorts cargo-mutants' `outcomes.json` into the record's lists (name, tool and inputs empty).
fn sort_outcomes(json: &str) -> anyhow::Result<LessonRecord> {
    #[derive(Deserialize)]
    struct Outcomes {
        outcomes: Vec<Outcome>,
    }
    #[derive(Deserialize)]
    struct Outcome {
        scenario: serde_json::Value,
        summary: String,
    }
    let parsed: Outcomes = serde_json::from_str(json).context("cargo-mutants' outcomes.json")?;
    let mut r = LessonRecord {
        name: String::new(),
        tool: String::new(),
        seconds: 0,
        caught: Vec::new(),
        timeout: Vec::new(),
        unviable: Vec::new(),
        missed: Vec::new(),
        inputs: BTreeMap::new(),
    };
    for o in parsed.outcomes {
        let Some(name) = o.scenario.pointer("/Mutant/name").and_then(|n| n.as_str()) else {
            if o.summary != "Success" {
                bail!(
                    "the unmutated solution does not pass its tests ({})",
                    o.summary
                );
            }
            continue;
        };
        // `lessons/x/src/exercise.rs:12:5: replace f with ()`: the line moves with every edit.
        let key = name.split_once(": ").map_or(name, |(_, m)| m).to_string();
        match o.summary.as_str() {
            "CaughtMutant" => r.caught.push(key),
            "Timeout" => r.timeout.push(key),
            "Unviable" => r.unviable.push(key),
            "MissedMutant" => r.missed.push(key),
            other => bail!("cargo-mutants reported `{other}` for `{key}`"),
        }
    }
    for list in [
        &mut r.caught,
        &mut r.timeout,
        &mut r.unviable,
        &mut r.missed,
    ] {
        list.sort();
    }
    Ok(r)
}

/// Copies the workspace's files (tracked, or new and not ignored) into `tree`, rewriting only
/// what changed so the scratch build stays incremental, and deleting what is gone.
fn mirror_workspace(root: &Path, tree: &Path) -> anyhow::Result<()> {
    let listed = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .context("git ls-files")?;
    if !listed.status.success() {
        bail!("git ls-files failed: the mutation run copies the files git knows");
    }
    let files: Vec<PathBuf> = listed
        .stdout
        .split(|b| *b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| PathBuf::from(String::from_utf8_lossy(f).into_owned()))
        .filter(|f| root.join(f).is_file())
        .collect();
    for file in &files {
        let (from, to) = (root.join(file), tree.join(file));
        let bytes = std::fs::read(&from)?;
        if std::fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
            std::fs::write(&to, bytes)?;
        }
    }
    let keep: std::collections::HashSet<PathBuf> = files.into_iter().collect();
    for entry in walkdir::WalkDir::new(tree).min_depth(1) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(tree)?;
        if entry.file_type().is_file() && !keep.contains(rel) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn tool_version() -> anyhow::Result<String> {
    let out = Command::new(cargo())
        .args(["mutants", "--version"])
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn read_record(root: &Path) -> anyhow::Result<Record> {
    match std::fs::read_to_string(root.join(RECORD)) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("{RECORD} is malformed")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Record::default()),
        Err(e) => Err(e).context(RECORD),
    }
}

fn write_record(root: &Path, record: &Record) -> anyhow::Result<()> {
    let header = "# Written by `cargo xtask mutants` (do not edit): what cargo-mutants did to each \
                  lesson's\n# solution, and the hash of every file that result depends on. \
                  `cargo xtask mutants --check`\n# (CI) fails when a file changed since, or a \
                  survivor is not a [[lesson.equivalent]] of lessons.toml.\n\n";
    let body = toml::to_string(record).context("serialise the record")?;
    std::fs::write(root.join(RECORD), format!("{header}{body}")).context(RECORD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(equivalents: &[&str]) -> Lesson {
        let mut l = lesson_table::all()[0].clone();
        l.equivalents = equivalents
            .iter()
            .map(|m| lesson_table::Equivalent {
                mutant: (*m).into(),
                why: "same".into(),
            })
            .collect();
        l
    }

    fn record(missed: &[&str]) -> LessonRecord {
        LessonRecord {
            name: "calling-c".into(),
            tool: "cargo-mutants 27.1.0".into(),
            seconds: 1,
            caught: vec!["replace f with ()".into()],
            timeout: vec![],
            unviable: vec![],
            missed: missed.iter().map(|m| (*m).into()).collect(),
            inputs: BTreeMap::from([("a.rs".into(), "1".into())]),
        }
    }

    #[test]
    fn a_fresh_record_with_explained_survivors_passes() {
        let now = record(&[]).inputs;
        assert_eq!(
            judge(&lesson(&[]), Some(&record(&[])), &now),
            Vec::<String>::new()
        );
        let r = record(&["replace < with <= in g"]);
        assert!(judge(&lesson(&["replace < with <= in g"]), Some(&r), &now).is_empty());
    }

    #[test]
    fn an_unexplained_survivor_a_stale_equivalent_and_a_changed_file_are_defects() {
        let now = record(&[]).inputs;
        let survivor = judge(&lesson(&[]), Some(&record(&["replace g with 0"])), &now);
        assert!(
            survivor[0].contains("`replace g with 0` passes every test"),
            "{survivor:?}"
        );
        let stale = judge(&lesson(&["replace g with 0"]), Some(&record(&[])), &now);
        assert!(stale[0].contains("is not a survivor"), "{stale:?}");
        let mut changed = now.clone();
        changed.insert("a.rs".into(), "2".into());
        changed.insert("b.rs".into(), "3".into());
        let d = judge(&lesson(&[]), Some(&record(&[])), &changed);
        assert!(
            d[0].contains("changed since its mutants were run (a.rs, b.rs)"),
            "{d:?}"
        );
        let missing = judge(&lesson(&[]), None, &now);
        assert!(missing[0].contains("no mutation result"), "{missing:?}");
    }

    #[test]
    fn outcomes_are_sorted_by_what_happened_without_line_numbers() {
        let json = r#"{"outcomes": [
            {"scenario": "Baseline", "summary": "Success"},
            {"scenario": {"Mutant": {"name": "l/src/exercise.rs:3:5: replace f with ()"}}, "summary": "CaughtMutant"},
            {"scenario": {"Mutant": {"name": "l/src/exercise.rs:9:1: replace < with <= in g"}}, "summary": "MissedMutant"},
            {"scenario": {"Mutant": {"name": "l/src/exercise.rs:9:9: replace g with None"}}, "summary": "Unviable"}
        ]}"#;
        let r = sort_outcomes(json).unwrap();
        assert_eq!(r.caught, ["replace f with ()"]);
        assert_eq!(r.missed, ["replace < with <= in g"]);
        assert_eq!(r.unviable, ["replace g with None"]);
        let failing = json.replace(r#""Success""#, r#""Failure""#);
        assert!(
            sort_outcomes(&failing)
                .unwrap_err()
                .to_string()
                .contains("does not pass")
        );
    }
}
