//! A shared-memory `f64` array in a file that has no name, so that nothing can leave it behind.
//!
//! The mapping itself, and the one `unsafe` call it needs, is [`ffi::shm::SharedF64s`], with its
//! contract. [`TempSharedF64s`] adds the file that contract is about, made so that leaking it is
//! impossible rather than cleaned up: it is opened with `O_TMPFILE | O_EXCL` in `/dev/shm` (or
//! the temp dir when there is none), mode 0600, so it is an inode of that filesystem that is in
//! no directory and never can be (`O_EXCL`: no `linkat` may give it a name later). Its memory
//! lives exactly as long as something refers to it: this process's descriptor and mapping, and
//! the workers' mappings. The kernel drops those when their processes end, however they end: a
//! return, a panic, SIGINT, SIGTERM, SIGKILL. The workers die with their parent
//! (`worker::die_with_parent`), so their mappings go too. There is no window in which a kill
//! leaves a name behind, because there is no name, and no sweep to run after one.
//!
//! The workers reach the file through this process's descriptor, `/proc/<pid>/fd/<n>`
//! ([`TempSharedF64s::path`]), which any process allowed to inspect this one (the same user) may
//! open while the descriptor is open. Every byte is reserved when the array is made, so a
//! directory with no room is an error then, not a SIGBUS later.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use ffi::shm::SharedF64s;
use nix::fcntl::OFlag;

// ANCHOR: temp_shared_f64s
/// An `f64` array in shared memory, in a file with no name that it owns, that worker processes
/// can square in place.
#[derive(Debug)]
pub struct TempSharedF64s {
    // Field order matters: the mapping is dropped (unmapped) before the file is closed.
    /// The mapping (the `unsafe` part, in `ffi`).
    map: SharedF64s,
    /// The file it maps: in no directory, freed when the last descriptor and mapping go.
    file: File,
}
// ANCHOR_END: temp_shared_f64s

impl TempSharedF64s {
    /// A zeroed array of `len` elements in the default directory ([`default_dir`]).
    pub fn new(len: usize) -> io::Result<Self> {
        Self::new_in(&default_dir(), len)
    }

    /// A zeroed array of `len` elements in `dir`, its space reserved: when `dir` has no room
    /// for it, this fails with [`io::ErrorKind::StorageFull`] ("no space for N MB of shared
    /// memory in DIR") and leaves nothing behind, where writing to an unreserved array would
    /// kill the process with SIGBUS.
    pub fn new_in(dir: &Path, len: usize) -> io::Result<Self> {
        let bytes = len
            .checked_mul(8)
            .and_then(|b| u64::try_from(b).ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "array too large"))?;
        // ANCHOR: unnamed
        // An inode of `dir`'s filesystem in no directory, that no `linkat` can ever name
        // (`O_EXCL`); std adds `O_CLOEXEC`, so no child inherits it by accident.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags((OFlag::O_TMPFILE | OFlag::O_EXCL).bits())
            .mode(0o600)
            .open(dir)
            .map_err(|e| unnamed_refused(e, dir))?;
        // ANCHOR_END: unnamed
        // Refused up front when it clearly cannot fit: a reservation that fails has filled the
        // filesystem on its way there (the kernel gives the pages back, but others saw it full).
        let free = free_bytes(&file)?;
        if bytes > free {
            return Err(no_space(bytes, dir, free));
        }
        // Sized once, every byte reserved (`create`); never truncated while mapped.
        let map = SharedF64s::create(&file, len).map_err(|e| {
            if e.kind() == io::ErrorKind::StorageFull {
                no_space(bytes, dir, free_bytes(&file).unwrap_or(0))
            } else {
                in_dir(e, dir)
            }
        })?;
        Ok(TempSharedF64s { map, file })
    }

    /// A shared copy of `data` (this copy is the one the shared-memory path pays).
    pub fn from_slice(data: &[f64]) -> io::Result<Self> {
        let mut a = Self::new(data.len())?;
        a.as_mut_slice().copy_from_slice(data);
        Ok(a)
    }

    /// What the workers open and map: `/proc/<this pid>/fd/<n>`, this process's descriptor of
    /// the unnamed file. It names no directory entry, and leads to the array only while the
    /// array lives (the number may then be reused for another file: the workers check which
    /// file they opened, not the path).
    pub fn path(&self) -> PathBuf {
        PathBuf::from(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            self.file.as_raw_fd()
        ))
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Always false (empty arrays are refused).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The elements.
    pub fn as_slice(&self) -> &[f64] {
        self.map.as_slice()
    }

    /// The elements, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        self.map.as_mut_slice()
    }
}

/// The bytes an unprivileged process may still allocate on `file`'s filesystem.
fn free_bytes(file: &File) -> io::Result<u64> {
    let s = nix::sys::statvfs::fstatvfs(file).map_err(io::Error::from)?;
    Ok(s.blocks_available().saturating_mul(s.fragment_size()))
}

/// "no space for 2.1 MB of shared memory in /dev/shm (1.0 MB free)".
fn no_space(bytes: u64, dir: &Path, free: u64) -> io::Error {
    let mb = |b: u64| b as f64 / 1e6;
    let docker = if dir == Path::new("/dev/shm") {
        " (Docker's default /dev/shm is 64 MB: `docker run --shm-size`)"
    } else {
        ""
    };
    io::Error::new(
        io::ErrorKind::StorageFull,
        format!(
            "no space for {:.1} MB of shared memory in {} ({:.1} MB free): use a smaller \
             array, or give {} more room{docker}",
            mb(bytes),
            dir.display(),
            mb(free),
            dir.display()
        ),
    )
}

/// Why `dir` could not hold an unnamed file, naming it.
fn unnamed_refused(e: io::Error, dir: &Path) -> io::Error {
    if e.kind() == io::ErrorKind::Unsupported || e.raw_os_error() == Some(nix::libc::EISDIR) {
        io::Error::new(
            e.kind(),
            format!(
                "the filesystem of {} cannot hold a file with no name (O_TMPFILE; tmpfs, ext4, \
                 xfs and btrfs can), so it cannot hold the lab's shared memory: {e}",
                dir.display()
            ),
        )
    } else {
        in_dir(e, dir)
    }
}

/// `e`, saying which directory it happened in.
fn in_dir(e: io::Error, dir: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("shared memory in {}: {e}", dir.display()))
}

/// `/dev/shm` when it is a writable directory (memory-backed: no disk I/O), else the temp dir.
pub fn default_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let writable =
        shm.is_dir() && std::fs::metadata(shm).is_ok_and(|m| !m.permissions().readonly());
    if writable {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}
