//! A shared-memory `f64` array in a temporary file that this crate creates and removes.
//!
//! The mapping itself, and the one `unsafe` call it needs, is [`ffi::shm::SharedF64s`], with its
//! contract. [`TempSharedF64s`] adds the file that contract is about: a
//! `tempfile::NamedTempFile` under `/dev/shm` (or the temp dir when there is none), private
//! (mode 0600, a fresh random name), sized once and never truncated, whose path the workers
//! map. It is removed when the [`TempSharedF64s`] is dropped, on every exit path that runs
//! destructors: a normal return, an error (`?`), and a panic unwinding through its owner. Only a
//! parent killed by SIGKILL leaves it behind (then it is in `/dev/shm`, named `lab-shm-*`).

use std::io;
use std::path::{Path, PathBuf};

use ffi::shm::SharedF64s;

// ANCHOR: temp_shared_f64s
/// An `f64` array in shared memory, in a temporary file it owns, that worker processes can
/// square in place.
#[derive(Debug)]
pub struct TempSharedF64s {
    // Field order matters: the mapping is dropped (unmapped) before the file is removed.
    /// The mapping (the `unsafe` part, in `ffi`).
    map: SharedF64s,
    /// The file it maps, removed on drop.
    file: tempfile::NamedTempFile,
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
        let file = tempfile::Builder::new()
            .prefix("lab-shm-")
            .tempfile_in(dir)
            .map_err(|e| in_dir(e, dir))?;
        // Refused up front when it clearly cannot fit: a reservation that fails has filled the
        // filesystem on its way there (the kernel gives the pages back, but others saw it full).
        let free = free_bytes(file.as_file())?;
        if bytes > free {
            return Err(no_space(bytes, dir, free));
        }
        // Sized once, every byte reserved (`create`); never truncated while mapped.
        let map = SharedF64s::create(file.as_file(), len).map_err(|e| {
            if e.kind() == io::ErrorKind::StorageFull {
                no_space(bytes, dir, free_bytes(file.as_file()).unwrap_or(0))
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

    /// The file's path: what the workers map.
    pub fn path(&self) -> &Path {
        self.file.path()
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
fn free_bytes(file: &std::fs::File) -> io::Result<u64> {
    let s = nix::sys::statvfs::fstatvfs(file).map_err(io::Error::from)?;
    Ok(s.blocks_available().saturating_mul(s.fragment_size()))
}

/// "no space for 2.1 MB of shared memory in /dev/shm (1.0 MB free)".
fn no_space(bytes: u64, dir: &Path, free: u64) -> io::Error {
    let mb = |b: u64| b as f64 / 1e6;
    io::Error::new(
        io::ErrorKind::StorageFull,
        format!(
            "no space for {:.1} MB of shared memory in {} ({:.1} MB free): use a smaller \
             array, or give {} more room (Docker's default /dev/shm is 64 MB: `--shm-size`)",
            mb(bytes),
            dir.display(),
            mb(free),
            dir.display()
        ),
    )
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
