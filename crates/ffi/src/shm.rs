//! Shared memory between processes: an array of `f64` in a file mapped by several processes.
//!
//! `memmap2::MmapMut::map_mut` is `unsafe` because Rust cannot know whether another process
//! changes or truncates the file while it is mapped. This module is the one place in the lab that
//! makes that call, and it states the contract that makes it sound; the `isolated` crate (which
//! has no `unsafe` at all) keeps that contract: its `TempSharedF64s` owns the file (private,
//! with no name, sized once) and its pool hands each worker a disjoint range.
//!
//! A mapped page that its filesystem has no room for is another way to die: the first write to
//! it raises SIGBUS, in safe code. So the file's creator sizes it with
//! [`SharedF64s::create`], which reserves every byte first (`posix_fallocate`) and fails with a
//! plain error when they do not fit.

use std::fs::File;
use std::io;

// ANCHOR: shared_f64s
/// A file mapped read-write and shared (`MAP_SHARED`), seen as a slice of `f64`.
///
/// **The contract** (what makes the safe methods sound), kept by `isolated`'s pool:
/// 1. the file is private to the lab's processes: the parent creates it with no name
///    (`O_TMPFILE`) and mode 0600, reachable only through the parent's own descriptor, sizes it
///    once, and never truncates it while any process has it mapped;
/// 2. while a process holds a slice from [`as_mut_slice`](Self::as_mut_slice), no other process
///    writes the elements it covers: the parent hands each worker a disjoint range, one task at
///    a time, and borrows the whole array only when no task is in flight;
/// 3. the file was sized by [`create`](Self::create), so storage for every byte is allocated:
///    no access through any mapping of it can fault for lack of space.
///
/// `Send` (it owns its mapping; moving it to another thread is fine) and `Sync` like
/// `memmap2::MmapMut`: `&SharedF64s` only gives `&[f64]`.
#[derive(Debug)]
pub struct SharedF64s {
    map: memmap2::MmapMut,
}
// ANCHOR_END: shared_f64s

impl SharedF64s {
    /// Sizes the empty `file` (opened read-write) to `len` `f64`s, reserving storage for every
    /// byte before anything is mapped (`posix_fallocate`), then maps it: the creator's way in.
    ///
    /// Fails with [`io::ErrorKind::StorageFull`] when the filesystem has no room for them; then
    /// nothing was mapped, and dropping the file gives back whatever was reserved.
    pub fn create(file: &File, len: usize) -> io::Result<Self> {
        let bytes = len
            .checked_mul(8)
            .and_then(|b| i64::try_from(b).ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "array too large"))?;
        if bytes == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot create an empty shared f64 array",
            ));
        }
        nix::fcntl::posix_fallocate(file, 0, bytes).map_err(io::Error::from)?;
        Self::map(file)
    }

    /// Maps the whole of `file` (opened read-write), made by [`create`](Self::create), as
    /// shared memory: the way in for the other processes.
    ///
    /// Fails if the file's length is not a whole number of `f64`s.
    pub fn map(file: &File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        if !len.is_multiple_of(8) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a shared f64 array needs a length that is a multiple of 8, got {len}"),
            ));
        }
        if len == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot map an empty file as a shared f64 array",
            ));
        }
        // SAFETY: the module's contract: the file is private to the lab's cooperating processes,
        // is never truncated while mapped (so no access can hit SIGBUS past its end), has every
        // byte's storage allocated by `create` (so none can hit SIGBUS for lack of space), and
        // no other process writes a range while this one holds a slice over it.
        let map = unsafe { memmap2::MmapOptions::new().populate().map_mut(file)? };
        Ok(SharedF64s { map })
    }

    /// Number of `f64`s in the mapping.
    pub fn len(&self) -> usize {
        self.map.len() / 8
    }

    /// Always false: an empty file is refused by [`map`](Self::map).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The mapping as a slice.
    pub fn as_slice(&self) -> &[f64] {
        let len = self.len();
        // SAFETY: the mapping starts on a page boundary, so it is aligned for f64; it is
        // `len * 8` bytes long and stays mapped while `&self` lives; every bit pattern is a valid
        // f64; by the contract no other process writes it while this borrow lives.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().cast::<f64>(), len) }
    }

    /// The mapping as a mutable slice.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        let len = self.len();
        // SAFETY: as in `as_slice`; `&mut self` makes this the only borrow in this process, and
        // by the contract no other process touches these elements while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<f64>(), len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    #[test]
    fn two_mappings_of_one_file_see_each_others_writes() {
        let file = tempfile::tempfile().unwrap();
        let mut a = SharedF64s::create(&file, 4).unwrap();
        let b = SharedF64s::map(&file).unwrap();
        a.as_mut_slice().copy_from_slice(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(b.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(b.len(), 4);
    }

    #[test]
    fn a_length_that_is_not_whole_f64s_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd");
        let file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        file.set_len(12).unwrap();
        let err = SharedF64s::map(&file).unwrap_err();
        assert!(err.to_string().contains("multiple of 8"), "{err}");
        file.set_len(0).unwrap();
        assert!(SharedF64s::map(&file).is_err());
    }

    #[test]
    fn create_reserves_every_byte_up_front() {
        use std::os::unix::fs::MetadataExt;
        let file = tempfile::tempfile().unwrap();
        let a = SharedF64s::create(&file, 1 << 16).unwrap();
        let meta = file.metadata().unwrap();
        assert_eq!(meta.len(), 8 << 16);
        assert!(meta.blocks() * 512 >= meta.len(), "not sparse: {meta:?}");
        assert_eq!(a.len(), 1 << 16);
        assert!(SharedF64s::create(&tempfile::tempfile().unwrap(), 0).is_err());
    }
}
