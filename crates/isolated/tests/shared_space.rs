//! Shared memory that does not fit is a clear error when the array is made, never a SIGBUS
//! when it is written, and leaves nothing behind.
//!
//! Writing to a page of a shared file that its filesystem has no room for kills the writer with
//! SIGBUS, from safe code. So the array reserves every byte when it is created. One test asks
//! for more than `/dev/shm` has free (from `statvfs`); the other makes a 1 MiB tmpfs, in a mount
//! namespace of its own (`unshare --mount`: the mount is private to one child process and goes
//! away with it, whatever happens), and fills it. Without the privileges to mount one, that
//! test says so and checks nothing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use isolated::TempSharedF64s;

/// Where the tiny-tmpfs probe finds its mount.
const TINY_ENV: &str = "LAB_TEST_TINY_TMPFS";
/// The tiny tmpfs's size.
const TINY: usize = 1 << 20;

/// Free and total bytes of the filesystem holding `dir`.
fn space(dir: &Path) -> (u64, u64) {
    let s = nix::sys::statvfs::statvfs(dir).unwrap();
    let unit = s.fragment_size();
    (s.blocks_available() * unit, s.blocks() * unit)
}

#[test]
fn an_array_beyond_the_free_space_is_refused_when_it_is_made() {
    let dir = isolated::temp_shared::default_dir();
    let (free, _) = space(&dir);
    let len = usize::try_from(free / 8 + 1).unwrap();
    let started = Instant::now();
    let err = TempSharedF64s::new_in(&dir, len).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "{err}");
    let text = err.to_string();
    assert!(text.contains("no space for"), "{text}");
    assert!(text.contains(&format!("in {}", dir.display())), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused up front, not after filling {}",
        dir.display()
    );
}

/// Run in a child process, in its own mount namespace with a 1 MiB tmpfs at `$TINY_ENV`, by
/// the test below.
#[test]
#[ignore = "a probe: run by a_full_shared_memory_directory_is_a_clear_error_not_a_sigbus"]
fn probe_tiny_tmpfs() {
    let dir = std::path::PathBuf::from(std::env::var_os(TINY_ENV).expect(TINY_ENV));
    println!("PROBE in {}", dir.display());
    match TempSharedF64s::new_in(&dir, 2 * TINY / 8) {
        Ok(mut a) => {
            a.as_mut_slice().fill(1.0); // without a reservation: SIGBUS here
            println!("TOO BIG accepted");
        }
        Err(e) => println!("TOO BIG {e}"),
    }
    // The reservation itself, without the up-front check: the kernel refuses it.
    let file = tempfile::tempfile_in(&dir).unwrap();
    match ffi::shm::SharedF64s::create(&file, 2 * TINY / 8) {
        Ok(mut a) => {
            a.as_mut_slice().fill(1.0);
            println!("RESERVED accepted");
        }
        Err(e) => println!("RESERVED {:?}", e.kind()),
    }
    drop(file);
    let (free, total) = space(&dir);
    println!("FREE {free} OF {total}");
    let mut small = TempSharedF64s::new_in(&dir, 100).expect("800 bytes fit in an empty 1 MiB");
    small.as_mut_slice().fill(2.0);
    drop(small);
    let mut most = TempSharedF64s::new_in(&dir, TINY / 8 / 4 * 3).expect("768 KiB fit in 1 MiB");
    most.as_mut_slice().fill(3.0);
    println!("FITS ok");
}

#[test]
fn a_full_shared_memory_directory_is_a_clear_error_not_a_sigbus() {
    let mnt = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("unshare");
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0); // its owner: our uid
    if !root {
        cmd.args(["--user", "--map-root-user"]); // an unprivileged user may have this
    }
    let out = cmd
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(
            "mount -t tmpfs -o size=1m lab-test \"$1\" && \
             exec \"$0\" --exact probe_tiny_tmpfs --include-ignored --nocapture",
        )
        .arg(std::env::current_exe().unwrap())
        .arg(mnt.path())
        .env(TINY_ENV, mnt.path())
        .output();
    let out = match out {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("PROBE in") => out,
        other => {
            eprintln!("skipped: cannot mount a tmpfs in a mount namespace here ({other:?})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        None,
        "the probe was killed by a signal (7 is SIGBUS): {stdout}"
    );
    assert!(out.status.success(), "{out:?}");
    let refused = stdout
        .lines()
        .find_map(|l| l.strip_prefix("TOO BIG "))
        .unwrap();
    assert!(
        refused.starts_with(&format!(
            "no space for 2.1 MB of shared memory in {}",
            mnt.path().display()
        )),
        "{refused}"
    );
    assert!(stdout.contains("RESERVED StorageFull"), "{stdout}");
    let free = stdout.lines().find(|l| l.starts_with("FREE ")).unwrap();
    assert_eq!(
        free,
        format!("FREE {TINY} OF {TINY}"),
        "the refused arrays left nothing behind"
    );
    assert!(stdout.contains("FITS ok"), "{stdout}");
}
