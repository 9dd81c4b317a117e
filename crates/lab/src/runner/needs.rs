//! What a lesson needs installed beyond Rust (its `needs` in `lessons/lessons.toml`), checked
//! before anything is built: a lesson on MPI builds the `mpi` crate, whose build script fails
//! with a raw bindgen or linker error on a machine without OpenMPI. The student should read
//! instead which program is missing and the one line that installs it.

use std::ffi::OsStr;
use std::path::PathBuf;

use lesson_table::{Lesson, Need};

/// How to install `need`: the one line its own module of the supervisor gives.
pub fn install(need: Need) -> &'static str {
    match need {
        Need::Mpi => supervisor::mpi::INSTALL,
    }
}

/// `None` when everything `lesson` needs is installed (its programs are on `PATH`); otherwise
/// what is missing and how to install it.
pub fn missing(lesson: &Lesson) -> Option<String> {
    missing_on(lesson, &std::env::var_os("PATH").unwrap_or_default())
}

/// [`missing`], looking for the programs in the folders of `path` (a `PATH`-style list).
pub fn missing_on(lesson: &Lesson, path: &OsStr) -> Option<String> {
    let said: Vec<String> = lesson
        .needs
        .iter()
        .filter_map(|&need| {
            let absent: Vec<String> = need
                .programs()
                .iter()
                .filter(|p| find(p, path).is_none())
                .map(|p| format!("`{p}`"))
                .collect();
            (!absent.is_empty()).then(|| {
                format!(
                    "lesson `{}` needs {}, and {} {} not on PATH, so it cannot be built.\n\
                     Install it: {}",
                    lesson.name,
                    need.name(),
                    absent.join(" and "),
                    if absent.len() == 1 { "is" } else { "are" },
                    install(need)
                )
            })
        })
        .collect();
    (!said.is_empty()).then(|| said.join("\n"))
}

/// The program `name` in the first folder of `path` that has it.
fn find(name: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks() -> &'static Lesson {
        lesson_table::find("ranks").expect("lesson 9 is in the table")
    }

    #[test]
    fn a_lesson_on_mpi_names_what_is_missing_and_the_line_that_installs_it() {
        let nowhere = tempfile::tempdir().unwrap();
        let said = missing_on(ranks(), nowhere.path().as_os_str()).expect("nothing is there");
        assert!(
            said.contains("lesson `ranks` needs OpenMPI")
                && said.contains("`mpicc` and `mpirun` are not on PATH")
                && said.contains("apt-get install openmpi-bin libopenmpi-dev libclang-dev"),
            "{said}"
        );
        // Only mpirun there: mpicc (libopenmpi-dev, which the build needs) is still missing.
        std::fs::write(nowhere.path().join("mpirun"), "").unwrap();
        let said = missing_on(ranks(), nowhere.path().as_os_str()).expect("mpicc is missing");
        assert!(said.contains("`mpicc` is not on PATH"), "{said}");
        std::fs::write(nowhere.path().join("mpicc"), "").unwrap();
        assert_eq!(missing_on(ranks(), nowhere.path().as_os_str()), None);
    }

    #[test]
    fn a_lesson_that_needs_nothing_is_never_held_back() {
        let calling_c = lesson_table::find("calling-c").unwrap();
        assert!(calling_c.needs.is_empty());
        assert_eq!(missing_on(calling_c, OsStr::new("")), None);
    }
}
