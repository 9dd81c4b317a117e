//! Large outputs without a page fault per 4 KiB: anonymous memory with transparent huge pages
//! advised, and pages faulted in by the threads that will write them.
//!
//! A freshly allocated buffer is not memory yet: the kernel maps each page on its first write,
//! one fault (and one zeroed page) at a time. For 800 MB of `f64` that is about 195,000 faults
//! of 4 KiB, and on the lab's reference machine they made rayon over the C kernel six times
//! slower into a fresh buffer than into a reused one. Two changes bring it back near the limit,
//! which is zeroing the memory once:
//!
//! 1. [`HugePageF64s`] maps the buffer itself and advises huge pages (`madvise(MADV_HUGEPAGE)`;
//!    this machine's transparent huge pages are in `madvise` mode, so without the advice there
//!    are none): one fault per 2 MiB, 512 times fewer.
//! 2. [`prefault`]: each thread faults in its own chunk in one call (`MADV_POPULATE_WRITE`)
//!    before it writes, so the faults (and the zeroing) run on every core at once, in the kernel,
//!    instead of one trap per page in the middle of the C kernel's loop.

use std::io;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Bytes per `f64`.
const F64: usize = std::mem::size_of::<f64>();

// ANCHOR: huge_page_f64s
/// `len` zeroed `f64`s in an anonymous private mapping of their own, with huge pages advised.
///
/// `Send` and `Sync` like the `memmap2::MmapMut` it owns: it is plain memory, and `&` gives
/// only `&[f64]`, `&mut` the only `&mut [f64]`.
#[derive(Debug)]
pub struct HugePageF64s {
    map: memmap2::MmapMut,
    len: usize,
    advised: bool,
}
// ANCHOR_END: huge_page_f64s

impl HugePageF64s {
    /// Maps `len` zeroed `f64`s (nothing is touched yet) and advises huge pages. A kernel
    /// without transparent huge pages refuses the advice: the buffer then works the same, with
    /// 4 KiB pages, and [`huge_pages_advised`](Self::huge_pages_advised) says so.
    pub fn zeroed(len: usize) -> io::Result<Self> {
        let bytes = len
            .checked_mul(F64)
            .ok_or_else(|| io::Error::other(format!("{len} f64s do not fit in memory")))?;
        // A mapping cannot be empty: one page stands for an empty buffer.
        let map = memmap2::MmapOptions::new().len(bytes.max(1)).map_anon()?;
        let advised = map.advise(memmap2::Advice::HugePage).is_ok();
        Ok(HugePageF64s { map, len, advised })
    }

    /// Whether the kernel took the huge-page advice.
    pub fn huge_pages_advised(&self) -> bool {
        self.advised
    }
}

impl Deref for HugePageF64s {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        // SAFETY: the mapping is page-aligned (so aligned for f64), at least `len * 8` bytes
        // long, readable, zero-filled by the kernel (zero bits are the f64 0.0), and lives as
        // long as `self`, which this borrow does not outlive.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().cast::<f64>(), self.len) }
    }
}

impl DerefMut for HugePageF64s {
    fn deref_mut(&mut self) -> &mut [f64] {
        // SAFETY: as in `deref`, and the mapping is private to this value (anonymous,
        // `MAP_PRIVATE`): `&mut self` makes this the only reference to its memory.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<f64>(), self.len) }
    }
}

// ANCHOR: prefault
/// Faults in, writable, every page under `chunk` in one system call (`MADV_POPULATE_WRITE`,
/// Linux 5.14+), without changing a byte: call it from the thread about to write `chunk`, so
/// that threads writing disjoint chunks take their faults in parallel. Pages already present
/// cost nothing. Asking for `&mut` says what it is for: memory this thread is about to write.
pub fn prefault(chunk: &mut [f64]) -> io::Result<()> {
    let page = 4096;
    let start = chunk.as_mut_ptr() as usize;
    let end = start + std::mem::size_of_val(chunk);
    let first = start & !(page - 1);
    let Some(addr) = NonNull::new(first as *mut std::ffi::c_void) else {
        return Ok(()); // an empty slice's dangling pointer near 0: nothing to fault in
    };
    if chunk.is_empty() {
        return Ok(());
    }
    // SAFETY: `first..end` covers the pages under `chunk`, memory of this process that is
    // mapped (the slice is valid). MADV_POPULATE_WRITE only faults pages in as a write would,
    // without writing: no byte changes, in `chunk` or in the neighbours sharing its first and
    // last pages, so nothing anyone else holds is disturbed.
    unsafe {
        nix::sys::mman::madvise(
            addr,
            end - first,
            nix::sys::mman::MmapAdvise::MADV_POPULATE_WRITE,
        )
    }
    .map_err(io::Error::from)
}
// ANCHOR_END: prefault

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_page_buffer_starts_zeroed_and_holds_what_is_written() {
        let mut b = HugePageF64s::zeroed(3 << 20).unwrap(); // 24 MiB: several huge pages
        assert_eq!(b.len(), 3 << 20);
        assert!(b.iter().all(|&x| x == 0.0));
        let n = b.len();
        b[0] = 1.5;
        b[n - 1] = -2.0;
        assert_eq!((b[0], b[n - 1]), (1.5, -2.0));
        assert!(HugePageF64s::zeroed(0).unwrap().is_empty());
    }

    #[test]
    fn an_impossible_size_is_an_error_not_an_overflow() {
        let err = HugePageF64s::zeroed(usize::MAX).unwrap_err();
        assert!(err.to_string().contains("do not fit"), "{err}");
    }

    #[test]
    fn prefaulting_changes_nothing_and_faults_the_pages_in() {
        let mut b = HugePageF64s::zeroed(1 << 20).unwrap(); // 8 MiB
        b[10] = 7.0;
        let faults = || minor_faults();
        let before = faults();
        prefault(&mut b[..]).unwrap();
        let during = faults() - before;
        assert_eq!(b[10], 7.0, "prefault wrote nothing");
        assert!(
            b.iter()
                .enumerate()
                .all(|(i, &x)| x == if i == 10 { 7.0 } else { 0.0 })
        );
        // The writes after it fault nothing: every page is already there.
        let before = faults();
        b.fill(1.0);
        assert_eq!(
            faults() - before,
            0,
            "{during} faults were taken by prefault"
        );
        prefault(&mut []).unwrap();
    }

    /// This thread's minor page faults so far (getrusage; other tests run on other threads).
    fn minor_faults() -> i64 {
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_THREAD)
            .unwrap()
            .minor_page_faults()
    }
}
