//! Which stores a large [`square_array`](crate::square_array) call writes its results with.
//!
//! Past 2 MiB of output, the C kernel writes with non-temporal ("streaming") stores, which skip
//! reading each destination cache line first. How many bytes one store writes depends on the
//! CPU: 16 with SSE2 (every x86-64 CPU), 32 with AVX, 64 (a whole cache line) with AVX-512.
//! Wider is fewer instructions for the same bytes, which is how glibc's `memcpy` stays ahead of
//! an SSE2 loop. The C library asks the CPU at run time and takes the widest path it has; this
//! module names the paths so that tests can run each one (at every alignment) and the benchmark
//! can compare them.

use crate::{LengthMismatch, raw};

/// The smallest call that streams (`LAB_STREAM_MIN_ELEMENTS` in `c_src/array.c`): 2¹⁸ doubles,
/// 2 MiB of output, and not in place.
pub const STREAM_MIN_ELEMENTS: usize = 1 << 18;

// ANCHOR: chunk_len
/// The chunk length for one `square_array` of `n` elements split over `threads` threads, one C
/// call a chunk: eight chunks a thread, so a thread that was preempted leaves little undone for
/// the others to steal, and never under 4096 elements, so a call costs far more than handing
/// it to a thread. Past 16 × 2¹⁸ elements on two threads the chunks are large enough to
/// stream, as one whole call would ([`STREAM_MIN_ELEMENTS`]); smaller chunks would quietly fall
/// back to ordinary stores. The benchmark's rayon rows and the Python extension both split so.
pub fn chunk_len(n: usize, threads: usize) -> usize {
    (n / (threads.max(1) * 8)).max(4096)
}
// ANCHOR_END: chunk_len

/// One way of storing a large call's results (`enum lab_store_path` in `c_src/array.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorePath {
    /// Ordinary stores: every CPU.
    Plain = 0,
    /// 16-byte streaming stores (`_mm_stream_pd`).
    Sse2 = 1,
    /// 32-byte streaming stores (`_mm256_stream_pd`).
    Avx = 2,
    /// 64-byte streaming stores (`_mm512_stream_pd`): one per cache line.
    Avx512 = 3,
}

impl StorePath {
    /// Every path, narrowest first.
    pub const ALL: [StorePath; 4] = [
        StorePath::Plain,
        StorePath::Sse2,
        StorePath::Avx,
        StorePath::Avx512,
    ];

    /// Its name, as in tables.
    pub fn name(self) -> &'static str {
        match self {
            StorePath::Plain => "plain",
            StorePath::Sse2 => "sse2",
            StorePath::Avx => "avx",
            StorePath::Avx512 => "avx512",
        }
    }

    /// Whether this CPU can run it.
    pub fn supported(self) -> bool {
        raw::lab_store_path_supported(self as i32) == 1
    }

    /// The path `square_array` takes for large calls on this CPU: the widest supported.
    pub fn best() -> StorePath {
        let best = raw::lab_store_path_best();
        Self::ALL
            .into_iter()
            .find(|p| *p as i32 == best)
            .unwrap_or(StorePath::Plain)
    }
}

/// Why [`square_array_on`] did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SquareOnError {
    /// The slices' lengths differ.
    #[error(transparent)]
    Length(#[from] LengthMismatch),
    /// This CPU cannot run the path.
    #[error("this CPU cannot run the {} store path", .0.name())]
    Unsupported(StorePath),
}

// ANCHOR: square_array_on
/// [`square_array`](crate::square_array) with large calls stored on `path` instead of the best
/// one: for tests (every path, every alignment) and benchmarks (each path's bandwidth).
pub fn square_array_on(
    path: StorePath,
    input: &[f64],
    out: &mut [f64],
) -> Result<(), SquareOnError> {
    if input.len() != out.len() {
        return Err(LengthMismatch {
            input: input.len(),
            output: out.len(),
        }
        .into());
    }
    // SAFETY: as in `square_array`: `input` is valid for input.len() reads, `out` for as many
    // writes, and the borrows cannot overlap. An unsupported path returns -1 having touched
    // nothing, and every path the C accepts runs only instructions this CPU has.
    let done = unsafe {
        raw::lab_square_array_on(path as i32, input.as_ptr(), out.as_mut_ptr(), input.len())
    };
    if done == 0 {
        Ok(())
    } else {
        Err(SquareOnError::Unsupported(path))
    }
}
// ANCHOR_END: square_array_on

#[cfg(test)]
mod tests {
    use super::*;

    /// Just past the streaming threshold (2^18 elements), so every path streams.
    const BIG: usize = STREAM_MIN_ELEMENTS + 21;

    #[test]
    fn large_arrays_split_into_chunks_that_still_stream_and_small_ones_into_few() {
        // 10^7 doubles on 2 threads: 16 chunks of 625 000, each past the threshold.
        assert_eq!(chunk_len(10_000_000, 2), 625_000);
        assert!(chunk_len(10_000_000, 2) >= STREAM_MIN_ELEMENTS);
        assert!(chunk_len(16 * STREAM_MIN_ELEMENTS, 2) >= STREAM_MIN_ELEMENTS);
        // Small arrays: at least 4096 per call; 10^5 doubles on 2 threads is 16 calls of 6250.
        assert_eq!(chunk_len(1_000, 2), 4096);
        assert_eq!(chunk_len(100_000, 2), 6250);
        assert_eq!(
            chunk_len(100_000, 0),
            chunk_len(100_000, 1),
            "0 threads is one"
        );
    }

    #[test]
    fn the_best_path_is_supported_and_plain_and_sse2_always_are() {
        assert!(StorePath::best().supported());
        assert!(StorePath::Plain.supported());
        #[cfg(target_arch = "x86_64")]
        assert!(StorePath::Sse2.supported());
        let best = StorePath::best() as i32;
        for p in StorePath::ALL {
            assert!(
                !p.supported() || p as i32 <= best,
                "{p:?} is wider than best"
            );
        }
    }

    #[test]
    fn every_supported_path_squares_exactly_at_every_alignment() {
        let input: Vec<f64> = (0..BIG + 8).map(|i| i as f64 * 0.25 - 700.0).collect();
        let mut out = vec![0.0f64; BIG + 8];
        for path in StorePath::ALL.into_iter().filter(|p| p.supported()) {
            // Every start of the output within a 64-byte line, against every start of the input.
            for o in 0..8 {
                for i in [0, 1, 3, 7] {
                    let n = BIG - 5; // an odd length: a plain tail after the streamed lines
                    out.fill(-1.0);
                    square_array_on(path, &input[i..i + n], &mut out[o..o + n]).unwrap();
                    for k in 0..n {
                        let want = input[i + k] * input[i + k];
                        assert!(
                            out[o + k].to_bits() == want.to_bits(),
                            "{path:?}, out +{o}, in +{i}: element {k} is {} not {want}",
                            out[o + k]
                        );
                    }
                    assert!(out[..o].iter().all(|&x| x == -1.0), "{path:?} wrote before");
                    assert!(
                        out[o + n..].iter().all(|&x| x == -1.0),
                        "{path:?} wrote after"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unsupported_path_touches_nothing_and_lengths_are_checked() {
        let input = vec![2.0; BIG];
        let mut out = vec![5.0; BIG];
        for path in StorePath::ALL.into_iter().filter(|p| !p.supported()) {
            assert_eq!(
                square_array_on(path, &input, &mut out),
                Err(SquareOnError::Unsupported(path))
            );
            assert!(out.iter().all(|&x| x == 5.0));
        }
        let err = square_array_on(StorePath::Plain, &input, &mut out[1..]).unwrap_err();
        assert!(matches!(err, SquareOnError::Length(_)), "{err}");
    }
}
