//! Python as a supervised child: the lab's Python scripts, run under a time limit against an
//! extension module this workspace built (`crates/ffi/lab-ext`, lesson 8's own module).
//!
//! A PyO3 extension is a `cdylib` named `lib<name>.so` by cargo; Python imports it as
//! `<module>.so` from a folder on `sys.path`. [`stage_extension`] copies it there;
//! [`run_script`] runs a script with that folder first on `PYTHONPATH`; [`test_script`] does
//! both for a test, in a fresh folder.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::{Finished, Output, RunError};

/// The interpreter the lab runs: `python3` on `PATH`.
pub const PYTHON: &str = "python3";

/// `python3 --version` when python3 runs, `None` otherwise.
pub fn python3() -> Option<String> {
    let out = Command::new(PYTHON).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// [`python3`], or a panic that says how to install it: for tests, where a missing interpreter
/// must fail the run, never skip it.
pub fn require_python3() -> String {
    python3().unwrap_or_else(|| {
        panic!(
            "python3 is not installed, so the Python tests cannot run: install it with \
             `bash .ci/install-tools` (Debian's python3 and python3-dev)"
        )
    })
}

/// Copies the extension cargo built as `lib<lib>.so` into `dir` as `<module>.so`, and returns
/// its new path. `built_in` is the folder cargo put it in: `target/<profile>` after `cargo build`,
/// [`test_deps_dir`] from a test.
pub fn stage_extension(
    built_in: &Path,
    lib: &str,
    module: &str,
    dir: &Path,
) -> std::io::Result<PathBuf> {
    let built = built_in.join(format!("lib{lib}.so"));
    let staged = dir.join(format!("{module}.so"));
    std::fs::copy(&built, &staged).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot copy the extension {} to {}: {e} (is `{lib}` a cdylib of a package \
                 this test depends on?)",
                built.display(),
                staged.display()
            ),
        )
    })?;
    Ok(staged)
}

/// The folder of the running test binary (`target/<profile>/deps`): where cargo put the
/// `cdylib`s it built for the test (`cargo test` does not copy them up to `target/<profile>`).
pub fn test_deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.parent()
        .expect("the test binary is in a folder")
        .to_path_buf()
}

/// Runs `program script args..` (`program`: [`PYTHON`], or another interpreter such as a
/// free-threaded `python3.13t`) with `pythonpath`, if any, first on `PYTHONPATH`, capturing its
/// output, stopped after `limit`.
pub fn run_script(
    program: &str,
    script: &Path,
    args: &[&OsStr],
    pythonpath: Option<&Path>,
    limit: Duration,
) -> Result<Finished, RunError> {
    let mut cmd = Command::new(program);
    cmd.arg(script)
        .args(args)
        // Tracebacks and panics reach stderr whole, and nothing is buffered away on a kill;
        // no __pycache__ is left beside the lab's scripts.
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    if let Some(dir) = pythonpath {
        cmd.env("PYTHONPATH", dir);
    }
    crate::run(&mut cmd, limit, Output::Capture)
}

/// For a test: stages the extension cargo built for it (`lib<lib>.so` in [`test_deps_dir`]) as
/// `<module>.so` in a fresh folder, runs `python3 script args..` with it importable, and returns
/// how it finished (its output captured). Panics, with the script's whole output, when python3 is missing
/// ([`require_python3`]), the script fails, or it runs past `limit`.
pub fn test_script(
    lib: &str,
    module: &str,
    script: &Path,
    args: &[&OsStr],
    limit: Duration,
) -> Finished {
    println!("using {}", require_python3());
    let dir = tempfile::tempdir().expect("a temporary directory");
    stage_extension(&test_deps_dir(), lib, module, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let shown = format!(
        "{} {}",
        script.display(),
        args.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let done = run_script(PYTHON, script, args, Some(dir.path()), limit)
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        done.status.success(),
        "{shown} failed ({}):\n{}",
        done.status,
        done.combined()
    );
    done
}
