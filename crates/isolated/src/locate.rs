//! Finding the worker binary.
//!
//! - Tests use cargo's `env!("CARGO_BIN_EXE_lab-worker")`.
//! - Everything else calls [`locate_worker`]: the `LAB_WORKER` environment variable if set,
//!   else `lab-worker` beside the current executable, else in its parent directory (test
//!   binaries live in `target/<profile>/deps`, example binaries in `target/<profile>/examples`,
//!   one level below the worker).
//! - The lab runner and the benchmark suite call [`ensure_worker`], which also builds the worker
//!   with cargo when it is missing or stale (`cargo run -p lab` does not build another
//!   package's binaries).

use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::config::{PARENT_ENV, WORKER_ENV, WORKER_NAME};
use crate::pool::{Pool, check_executable};
use crate::{PoolConfig, PoolError};

/// Why no worker could be found.
#[derive(Debug, thiserror::Error)]
#[error(
    "no usable {WORKER_NAME} binary: tried {}{}. Build it with `cargo build --release -p isolated \
     --bin {WORKER_NAME}`, or set {WORKER_ENV}=/path/to/{WORKER_NAME}",
    list(.tried),
    because(.last)
)]
pub struct NotFound {
    /// Every path that was tried, in order.
    pub tried: Vec<PathBuf>,
    /// Why the last one was refused.
    pub last: Option<Box<PoolError>>,
}

/// `a, b, c`.
fn list(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// ` (why)`, or nothing.
fn because(last: &Option<Box<PoolError>>) -> String {
    last.as_ref().map_or(String::new(), |e| format!(" ({e})"))
}

// ANCHOR: locate
/// Where the worker is: `$LAB_WORKER` (used as given, even if it is wrong: the error names
/// it), else beside the current executable, else one directory up.
pub fn locate_worker() -> Result<PathBuf, NotFound> {
    if let Some(p) = std::env::var_os(WORKER_ENV) {
        let p = PathBuf::from(p);
        return match check_executable(&p) {
            Ok(()) => Ok(p),
            Err(e) => Err(NotFound {
                tried: vec![p],
                last: Some(Box::new(e)),
            }),
        };
    }
    let exe = std::env::current_exe().map_err(|_| NotFound {
        tried: Vec::new(),
        last: None,
    })?;
    let candidates = candidates_beside(&exe);
    let mut last = None;
    for c in &candidates {
        match check_executable(c) {
            Ok(()) => return Ok(c.clone()),
            Err(e) => last = Some(Box::new(e)),
        }
    }
    Err(NotFound {
        tried: candidates,
        last,
    })
}
// ANCHOR_END: locate

/// `dir/lab-worker` and `dir/../lab-worker` for the executable's directory `dir`.
pub fn candidates_beside(exe: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dir) = exe.parent() {
        out.push(dir.join(WORKER_NAME));
        if let Some(up) = dir.parent() {
            out.push(up.join(WORKER_NAME));
        }
    }
    out
}

/// The lab runner's way: [`locate_worker`]; when the worker is missing or speaks another
/// protocol version and we run under cargo (`$CARGO` is set, as `cargo run` does), build it
/// once with `cargo build -p isolated --bin lab-worker` in the current executable's profile,
/// then look again.
///
/// `$LAB_WORKER` is never second-guessed, nor started here: the pool's own handshake is the
/// one limit it waits for (and says what is wrong with it). A worker found beside the
/// executable is handshaken once here, to tell a stale one; any other failure of that
/// handshake is returned as it is, not waited for a second time by the pool.
pub fn ensure_worker() -> anyhow::Result<PathBuf> {
    let found = locate_worker();
    if std::env::var_os(WORKER_ENV).is_some() {
        return Ok(found?);
    }
    if let Ok(p) = &found {
        match Pool::start(PoolConfig::new(p, 1)) {
            Ok(_) => return Ok(p.clone()),
            Err(PoolError::StaleWorker { .. }) => {} // rebuild it, below
            Err(e) => return Err(e.into()),
        }
    }
    let Some(cargo) = std::env::var_os("CARGO") else {
        return match found {
            Ok(p) => Ok(p), // stale: the pool will say so by name
            Err(e) => Err(e.into()),
        };
    };
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .map(|d| {
            if d.ends_with("deps") {
                d.parent().unwrap_or(d)
            } else {
                d
            }
        })
        .ok_or_else(|| anyhow::anyhow!("cannot tell the build profile of {}", exe.display()))?;
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug")
        .to_string();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "-p", "isolated", "--bin", WORKER_NAME])
        .arg("--manifest-path")
        .arg(&manifest);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    if let Some(target_dir) = profile_dir.parent() {
        cmd.arg("--target-dir").arg(target_dir);
    }
    eprintln!("(building the worker process binary once: {cmd:?})");
    let status = cmd.status()?;
    anyhow::ensure!(status.success(), "building {WORKER_NAME} failed: {status}");
    Ok(locate_worker()?)
}
