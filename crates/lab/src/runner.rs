//! The students' runner: list, check, hint, watch, reset, verify (issue 5 fills this).

use clap::Args;

/// A lesson named by its stable name.
#[derive(Debug, Args)]
pub struct LessonArg {
    /// The lesson's name (as `cargo lab list` shows it).
    pub lesson: Option<String>,
}

/// Options for `cargo lab check`.
pub type CheckArgs = LessonArg;
/// Options for `cargo lab watch`.
pub type WatchArgs = LessonArg;
/// Options for `cargo lab reset`.
pub type ResetArgs = LessonArg;
/// Options for `cargo lab verify`.
pub type VerifyArgs = LessonArg;

/// The lesson crates' package names.
pub fn lesson_packages() -> Vec<&'static str> {
    Vec::new()
}

macro_rules! later {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        /// Arrives with the lessons (issue 5).
        pub fn $name($($arg: $ty),*) -> anyhow::Result<()> {
            $(let _ = $arg;)*
            anyhow::bail!("the lessons arrive with issue 5")
        }
    )*};
}
later!(list(), check(a: &CheckArgs), hint(a: &LessonArg), watch(a: &WatchArgs), reset(a: &ResetArgs), verify(a: &VerifyArgs));
