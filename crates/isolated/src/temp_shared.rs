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

    /// A zeroed array of `len` elements in `dir`.
    pub fn new_in(dir: &Path, len: usize) -> io::Result<Self> {
        let bytes = len
            .checked_mul(8)
            .and_then(|b| u64::try_from(b).ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "array too large"))?;
        let file = tempfile::Builder::new()
            .prefix("lab-shm-")
            .tempfile_in(dir)?;
        file.as_file().set_len(bytes)?; // sized once; never truncated while mapped
        let map = SharedF64s::map(file.as_file())?;
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
