//! The lesson table: reads `lessons/lessons.toml`, the one file of lesson metadata (stable
//! names, folders, book chapters, tiered hints, what each teaches, and the wrong-answer
//! fixtures that `cargo xtask verify` must see caught), into the types below.
//!
//! A lesson is a crate `lessons/NN-topic/` whose package name is the lesson's stable name.
//! Students edit [`EXERCISE`]; [`SHIPPED`] is the untouched copy that `cargo lab reset`
//! restores. Setting [`VARIANT_ENV`] (`LAB_VARIANT=solution cargo test -p locks`) compiles
//! another file in the exercise's place, so nothing is ever copied to grade a variant: the
//! lessons' shared build script, `lessons/build.rs`, resolves the name with [`Lesson::variant`].
//!
//! Its users: the student's runner (`cargo lab`), the maintainers' `cargo xtask verify`, and
//! `lessons/build.rs`, which has this crate as a build-dependency, so all three read the same
//! table the same way. It depends on no other crate of the workspace.

#![forbid(unsafe_code)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;

/// The workspace root: this crate sits at `crates/lesson-table/`.
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The table, from the workspace root.
pub const TABLE: &str = "lessons/lessons.toml";
/// The environment variable that chooses the variant compiled as the exercise; unset (or
/// empty), it is the student's [`EXERCISE`].
pub const VARIANT_ENV: &str = "LAB_VARIANT";
/// The file students edit, relative to the lesson folder.
pub const EXERCISE: &str = "src/exercise.rs";
/// The exercise as shipped, relative to the lesson folder (`cargo lab reset` copies it back).
pub const SHIPPED: &str = "shipped/exercise.rs";
/// The reference solution, relative to the lesson folder (the variant `solution`).
pub const SOLUTION: &str = "solution/exercise.rs";

/// How many hint tiers a lesson has: at least a nudge and a near-answer, at most four.
pub const HINT_TIERS: std::ops::RangeInclusive<usize> = 2..=4;

/// One lesson: a `[[lesson]]` of the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable name = cargo package name: `cargo test -p <name>`.
    pub name: String,
    /// Folder from the workspace root.
    pub dir: String,
    /// What it teaches, in one line.
    pub topic: String,
    /// Its book chapter, from the workspace root.
    pub chapter: String,
    /// The hints `cargo lab hint` shows one at a time, a nudge first and nearly the answer
    /// last: one hint that says everything would give the exercise away. 2 to 4 of them
    /// ([`HINT_TIERS`]).
    pub hints: Vec<String>,
    /// What passing it taught, in one line: `check` and `watch` say it on a pass.
    pub learnt: String,
    /// What the lesson needs installed beyond Rust and a C compiler, checked before it is built
    /// (`cargo lab check` and `cargo xtask verify` say what is missing and how to install it,
    /// instead of a build script's raw error).
    #[serde(default)]
    pub needs: Vec<Need>,
    /// Typical wrong answers, each proven caught by `cargo xtask verify`.
    #[serde(default, rename = "fixture")]
    pub fixtures: Vec<Fixture>,
    /// Mutants of the solution that no test can catch because no program could tell them
    /// apart through the lesson's API, each with the reason: `cargo xtask mutants` fails on any
    /// other survivor, and on an entry here that is no longer a survivor.
    #[serde(default, rename = "equivalent")]
    pub equivalents: Vec<Equivalent>,
}

/// Something a lesson needs installed: a `needs = [..]` entry of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// OpenMPI (`mpicc` and its headers build the `mpi` crate, `mpirun` starts the ranks) and
    /// libclang (the `mpi` crate's bindings are generated with it): `"mpi"`.
    Mpi,
}

impl Need {
    /// What it is, for a message: `OpenMPI`.
    pub fn name(self) -> &'static str {
        match self {
            Need::Mpi => "OpenMPI",
        }
    }

    /// The programs that show it is installed, each found on `PATH`.
    pub fn programs(self) -> &'static [&'static str] {
        match self {
            Need::Mpi => &["mpicc", "mpirun"],
        }
    }
}

/// A surviving mutant accepted as equivalent to the solution: a `[[lesson.equivalent]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalent {
    /// cargo-mutants' name for it without the `file:line:column: ` prefix, e.g.
    /// `replace < with <= in chunk_count`.
    pub mutant: String,
    /// Why no program could tell it from the solution, in one line.
    pub why: String,
}

/// A typical wrong answer, kept as a file beside the solution: a `[[lesson.fixture]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The variant's name, `wrong-*`; the file is `solution/wrong_*.rs` ([`Fixture::file`]).
    pub name: String,
    /// The mistake, in words.
    pub mistake: String,
    /// How the grading must react.
    pub caught: Expect,
}

/// What running a variant's grading tests must show: the runner's one verdict vocabulary,
/// judged against what happened (`outcome::Outcome`) by `Expect::judge` in `outcome.rs`.
/// A fixture's is read from the table; the shipped exercise [`Expect::Fails`] and the solution
/// [`Expect::Passes`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "TomlCaught")]
pub enum Expect {
    /// Every grading test passes, and at least one runs (0 tests is not a pass).
    Passes,
    /// It compiles, and its grading tests fail or never end (a compile error is not enough).
    Fails,
    /// A grading test fails, and the failure report contains this text.
    FailsTest(String),
    /// It does not compile, and the compiler's first error contains this text.
    FailsToCompile(String),
    /// The tests never end: the runner stops them after this limit (an endless loop).
    TimesOut(Duration),
    /// A test binary exits before all its tests reported (`std::process::exit` in the code
    /// under test), even with status 0 and a `test result: ok` line of its own making.
    ExitsEarly,
}

/// How the table writes a fixture's [`Expect`]: `caught = { by = "test", message = ".." }`.
#[derive(Debug, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case", deny_unknown_fields)]
enum TomlCaught {
    Test { message: String },
    Compiler { error: String },
    TimeLimit { seconds: u64 },
    EarlyExit,
}

impl From<TomlCaught> for Expect {
    fn from(caught: TomlCaught) -> Self {
        match caught {
            TomlCaught::Test { message } => Expect::FailsTest(message),
            TomlCaught::Compiler { error } => Expect::FailsToCompile(error),
            TomlCaught::TimeLimit { seconds } => Expect::TimesOut(Duration::from_secs(seconds)),
            TomlCaught::EarlyExit => Expect::ExitsEarly,
        }
    }
}

impl Expect {
    /// How long the tests may run: an expected time-out's own limit, else `default`.
    pub fn test_limit(&self, default: Duration) -> Duration {
        match self {
            Expect::TimesOut(limit) => *limit,
            _ => default,
        }
    }
}

impl fmt::Display for Expect {
    /// The "must ..." column of `verify`'s table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Passes => write!(f, "passes"),
            Expect::Fails => write!(f, "fails"),
            Expect::FailsTest(text) => write!(f, "a test fails with \"{text}\""),
            Expect::FailsToCompile(text) => write!(f, "compile error {text}"),
            Expect::TimesOut(limit) => write!(f, "stopped at {} s", limit.as_secs()),
            Expect::ExitsEarly => write!(f, "exits before its tests end"),
        }
    }
}

/// A file that can be compiled as a lesson's exercise: `shipped`, `solution` or a fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant<'a> {
    /// Its name, the value of [`VARIANT_ENV`].
    pub name: &'a str,
    /// Its file, relative to the lesson folder.
    pub file: String,
    /// What its grading tests must show.
    pub expect: Expect,
}

impl Fixture {
    /// The fixture's file, relative to the lesson folder: `wrong-x-y` is `solution/wrong_x_y.rs`.
    pub fn file(&self) -> String {
        format!("solution/{}.rs", self.name.replace('-', "_"))
    }
}

impl Lesson {
    /// The lesson folder's file `rel`, from the workspace root.
    pub fn path(&self, rel: &str) -> PathBuf {
        workspace_root().join(&self.dir).join(rel)
    }

    /// The command a student types.
    pub fn test_command(&self) -> String {
        format!("cargo test -p {}", self.name)
    }

    /// Every variant: the exercise as shipped (must fail), the solution (must pass), then each
    /// fixture (must be caught as the table says).
    pub fn variants(&self) -> Vec<Variant<'_>> {
        let fixed = [
            ("shipped", SHIPPED, Expect::Fails),
            ("solution", SOLUTION, Expect::Passes),
        ];
        fixed
            .into_iter()
            .map(|(name, file, expect)| Variant {
                name,
                file: file.to_string(),
                expect,
            })
            .chain(self.fixtures.iter().map(|f| Variant {
                name: &f.name,
                file: f.file(),
                expect: f.caught.clone(),
            }))
            .collect()
    }

    /// The variant with this name.
    pub fn variant(&self, name: &str) -> Option<Variant<'_>> {
        self.variants().into_iter().find(|v| v.name == name)
    }

    /// The variants' names, for error messages.
    pub fn variant_names(&self) -> String {
        let names: Vec<&str> = self.variants().iter().map(|v| v.name).collect();
        names.join(", ")
    }
}

/// Reads a table: every `[[lesson]]`, in order. The error names the line of a TOML or schema
/// mistake (an unknown key, a missing field, a wrong `by`), a repeated lesson or variant name,
/// and a fixture not named `wrong-*`.
pub fn parse(text: &str) -> Result<Vec<Lesson>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Table {
        lesson: Vec<Lesson>,
    }
    let table: Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::HashSet::new();
    for lesson in &table.lesson {
        if !seen.insert(lesson.name.as_str()) {
            return Err(format!("two lessons are called `{}`", lesson.name));
        }
        if !HINT_TIERS.contains(&lesson.hints.len()) {
            return Err(format!(
                "lesson `{}` has {} hints: give it {} to {} (a nudge first, nearly the answer last)",
                lesson.name,
                lesson.hints.len(),
                HINT_TIERS.start(),
                HINT_TIERS.end()
            ));
        }
        if lesson.hints.iter().any(|h| h.trim().is_empty()) || lesson.learnt.trim().is_empty() {
            return Err(format!(
                "lesson `{}`: a hint or its `learnt` line is empty",
                lesson.name
            ));
        }
        let mut variants = std::collections::HashSet::new();
        for variant in lesson.variants() {
            if !variants.insert(variant.name) {
                return Err(format!(
                    "lesson `{}` has two variants called `{}`",
                    lesson.name, variant.name
                ));
            }
        }
        if let Some(bad) = lesson.equivalents.iter().find(|e| e.why.trim().is_empty()) {
            return Err(format!(
                "lesson `{}`: equivalent mutant `{}` needs a `why`",
                lesson.name, bad.mutant
            ));
        }
        if let Some(bad) = lesson
            .fixtures
            .iter()
            .find(|f| !f.name.starts_with("wrong-"))
        {
            return Err(format!(
                "lesson `{}`: fixture `{}` must be named `wrong-*` (its file is solution/wrong_*.rs)",
                lesson.name, bad.name
            ));
        }
    }
    Ok(table.lesson)
}

/// Reads the table at `path`.
pub fn load(path: &Path) -> Result<Vec<Lesson>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    parse(&text)
}

/// Every lesson, in the order a student takes them, read once from [`TABLE`].
///
/// # Panics
/// When the table is missing or malformed, with the file and the reason: the lab cannot run
/// without it, and `cargo test -p lesson-table` catches that before anyone else does.
pub fn all() -> &'static [Lesson] {
    static LESSONS: OnceLock<Vec<Lesson>> = OnceLock::new();
    LESSONS.get_or_init(|| {
        let path = workspace_root().join(TABLE);
        load(&path).unwrap_or_else(|e| panic!("the lesson table {}: {e}", path.display()))
    })
}

/// The lesson with this stable name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    all().iter().find(|l| l.name == name)
}

/// The lesson names, for error messages.
pub fn names() -> String {
    let names: Vec<&str> = all().iter().map(|l| l.name.as_str()).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[lesson]]
name = "x"
dir = "lessons/01-x"
topic = "t"
chapter = "c.md"
hints = ["nudge", "nearly the answer"]
learnt = "l"

[[lesson.fixture]]
name = "wrong-a"
mistake = "m"
caught = { by = "time-limit", seconds = 7 }
"#;

    #[test]
    fn a_table_is_read_with_its_variants_in_order() {
        let lessons = parse(ONE).unwrap();
        assert_eq!(lessons[0].hints, ["nudge", "nearly the answer"]);
        assert_eq!(lessons[0].learnt, "l");
        let names: Vec<&str> = lessons[0].variants().iter().map(|v| v.name).collect();
        assert_eq!(names, ["shipped", "solution", "wrong-a"]);
        let fixture = lessons[0].variant("wrong-a").unwrap();
        assert_eq!(fixture.file, "solution/wrong_a.rs");
        assert_eq!(fixture.expect, Expect::TimesOut(Duration::from_secs(7)));
        assert_eq!(
            lessons[0].variant("solution").unwrap().expect,
            Expect::Passes
        );
        assert_eq!(lessons[0].variant("shipped").unwrap().file, SHIPPED);
        assert!(lessons[0].variant("wrong-b").is_none());
        let early = parse(&ONE.replace(
            r#"{ by = "time-limit", seconds = 7 }"#,
            r#"{ by = "early-exit" }"#,
        ))
        .unwrap();
        assert_eq!(early[0].fixtures[0].caught, Expect::ExitsEarly);
        assert!(
            lessons[0].needs.is_empty(),
            "a lesson needs nothing by default"
        );
        let mpi =
            parse(&ONE.replace("learnt = \"l\"", "learnt = \"l\"\nneeds = [\"mpi\"]")).unwrap();
        assert_eq!(mpi[0].needs, [Need::Mpi]);
        assert_eq!(Need::Mpi.programs(), ["mpicc", "mpirun"]);
        let equivalent = parse(&format!(
            "{ONE}\n[[lesson.equivalent]]\nmutant = \"replace a with b\"\nwhy = \"same\"\n"
        ))
        .unwrap();
        assert_eq!(
            equivalent[0].equivalents,
            [Equivalent {
                mutant: "replace a with b".into(),
                why: "same".into()
            }]
        );
    }

    #[test]
    fn a_malformed_table_is_refused_with_the_reason() {
        let refused = |text: &str, why: &str| {
            let err = parse(text).expect_err(text);
            assert!(err.contains(why), "expected `{why}` in: {err}");
        };
        refused(&ONE.replace("hints", "hnits"), "unknown field `hnits`");
        refused(
            &ONE.replace(r#"["nudge", "nearly the answer"]"#, r#"["everything"]"#),
            "has 1 hints: give it 2 to 4",
        );
        refused(
            &ONE.replace(r#""nearly the answer""#, r#""b", "c", "d", "e""#),
            "has 5 hints",
        );
        refused(&ONE.replace(r#""nudge""#, r#""  ""#), "empty");
        refused(
            &ONE.replace("learnt = \"l\"\n", ""),
            "missing field `learnt`",
        );
        refused(&ONE.replace("\"time-limit\"", "\"timer\""), "timer");
        refused(&ONE.replace("seconds = 7", "secs = 7"), "secs");
        refused(&ONE.replace("topic = \"t\"\n", ""), "missing field `topic`");
        refused(
            &ONE.replace("wrong-a", "solution"),
            "two variants called `solution`",
        );
        refused(&ONE.replace("wrong-a", "typo-a"), "must be named `wrong-*`");
        refused(
            &format!("{ONE}{}", &ONE[..ONE.find("[[lesson.fixture]]").unwrap()]),
            "two lessons are called `x`",
        );
        refused("[[lesson]\n", "TOML parse error");
        refused(
            &ONE.replace("learnt = \"l\"", "learnt = \"l\"\nneeds = [\"mpich\"]"),
            "unknown variant `mpich`",
        );
        refused(
            &format!("{ONE}\n[[lesson.equivalent]]\nmutant = \"replace a with b\"\nwhy = \" \"\n"),
            "needs a `why`",
        );
    }

    #[test]
    fn the_table_names_nine_lessons() {
        let names: Vec<&str> = all().iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "calling-c",
                "data-race",
                "locks",
                "atomics",
                "processes",
                "arrays",
                "proving-it",
                "python-extension",
                "ranks"
            ],
            "lesson names are what students type: keep them stable"
        );
    }
}
