//! `square_array` over large arrays: one C call, rayon over the C kernel on a pinned 2-thread
//! pool, and a same-run 2-thread `memcpy` of the same bytes as the ceiling. Then the same rayon
//! run into a fresh (never touched) output buffer, to show what page faults cost.

use std::hint::black_box;
use std::time::Duration;

use rayon::prelude::*;

use super::Sizes;
use super::sampling::{Measurement, Plan, Ratio, pinned_pool, ratio, sample_each, time};

/// The group name (table `arrays.md`, figure `arrays.svg`).
pub const GROUP: &str = "arrays";

/// Threads in the pinned pool: one per core on the reference machine.
pub const THREADS: usize = 2;

/// The input: `n` doubles 0, 0.5, 1.0, ... written once (so already touched).
pub fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64 * 0.5).collect()
}

/// The chunk length for `n` elements on the bench's [`THREADS`] (`ffi::stores::chunk_len`).
fn chunk_len(n: usize) -> usize {
    ffi::stores::chunk_len(n, THREADS)
}

// ANCHOR: rayon_square
/// rayon over the C kernel: disjoint `&mut` chunks of one output, one C call per chunk.
pub fn rayon_square(pool: &rayon::ThreadPool, input: &[f64], out: &mut [f64]) {
    let c = chunk_len(input.len());
    pool.install(|| {
        out.par_chunks_mut(c)
            .zip(input.par_chunks(c))
            .for_each(|(o, i)| ffi::square_array(i, o).expect("chunks have equal lengths"));
    });
}
// ANCHOR_END: rayon_square

/// [`rayon_square`] with the C kernel's large calls forced onto one store `path`.
pub fn rayon_square_on(
    pool: &rayon::ThreadPool,
    path: ffi::stores::StorePath,
    input: &[f64],
    out: &mut [f64],
) {
    let c = chunk_len(input.len());
    pool.install(|| {
        out.par_chunks_mut(c)
            .zip(input.par_chunks(c))
            .for_each(|(o, i)| {
                ffi::stores::square_array_on(path, i, o).expect("a supported path, equal lengths")
            });
    });
}

// ANCHOR: rayon_in_place
/// The same kernel squaring in place (the C header allows `in == out`): each cache line is read
/// and then written, so no extra read is needed before the write.
pub fn rayon_in_place(pool: &rayon::ThreadPool, data: &mut [f64]) {
    let c = chunk_len(data.len());
    pool.install(|| data.par_chunks_mut(c).for_each(ffi::square_in_place));
}
// ANCHOR_END: rayon_in_place

// ANCHOR: fresh_buffer
/// The rayon kernel into an output allocated just now: only the squaring is timed.
pub fn rayon_into_fresh(pool: &rayon::ThreadPool, input: &[f64]) -> Duration {
    // vec![0.0; n] is calloc: for big n, fresh zero pages mapped lazily. Each first write to a
    // 4 KiB page faults into the kernel, which zeroes a page and maps it.
    let mut fresh = vec![0.0f64; input.len()];
    let t = time(|| rayon_square(pool, input, &mut fresh));
    black_box(&fresh);
    t // the free (munmap) happens here, outside the timed part
}
// ANCHOR_END: fresh_buffer

/// How long the paused huge-page variant waits before it allocates: longer than the 2 s after
/// which Linux's free page reporting hands large free blocks back to the hypervisor (on a
/// virtual machine with a balloon device that reports free pages, such as this lab's), so its
/// fresh output lands on memory the host must back again, page by page.
pub const PAUSE: Duration = Duration::from_secs(3);

// ANCHOR: huge_buffer
/// The same into a fresh output mapped with huge pages advised, each thread faulting in its
/// own chunk in one call before the C kernel writes it (`ffi::pages`). Timed: the faults and
/// the squaring, as in [`rayon_into_fresh`]; not timed: the mapping and the unmapping.
pub fn rayon_into_huge(pool: &rayon::ThreadPool, input: &[f64]) -> Duration {
    let mut fresh = ffi::pages::HugePageF64s::zeroed(input.len()).expect("memory for the output");
    let c = chunk_len(input.len());
    let t = time(|| {
        pool.install(|| {
            fresh
                .par_chunks_mut(c)
                .zip(input.par_chunks(c))
                // ANCHOR: prefault_then_square
                .for_each(|(o, i)| {
                    // Before Linux 5.14 there is no MADV_POPULATE_WRITE: the writes fault instead.
                    let _ = ffi::pages::prefault(o);
                    ffi::square_array(i, o).expect("chunks have equal lengths");
                });
            // ANCHOR_END: prefault_then_square
        });
    });
    black_box(&fresh);
    t
}
// ANCHOR_END: huge_buffer

/// This process's minor page faults so far (`getrusage`, all threads).
pub fn page_faults() -> u64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF)
        .map_or(0, |u| u64::try_from(u.minor_page_faults()).unwrap_or(0))
}

// ANCHOR: memcpy_ceiling
/// The ceiling: the same bytes read and written by a plain copy, one half per pinned thread.
pub fn memcpy_halves(pool: &rayon::ThreadPool, input: &[f64], out: &mut [f64]) {
    let half = input.len().div_ceil(THREADS).max(1);
    pool.install(|| {
        out.par_chunks_mut(half)
            .zip(input.par_chunks(half))
            .for_each(|(o, i)| o.copy_from_slice(i));
    });
}
// ANCHOR_END: memcpy_ceiling

// ANCHOR: memcpy_pieces
/// The same copy made of 1 MiB `memcpy` calls. glibc picks its strategy per call: each piece is
/// below the size where it switches to non-temporal stores, so this copy uses ordinary stores,
/// like the C kernel does.
pub fn memcpy_pieces(pool: &rayon::ThreadPool, input: &[f64], out: &mut [f64]) {
    const PIECE: usize = (1 << 20) / 8;
    let half = input.len().div_ceil(THREADS).max(1);
    pool.install(|| {
        out.par_chunks_mut(half)
            .zip(input.par_chunks(half))
            .for_each(|(o, i)| {
                for (o, i) in o.chunks_mut(PIECE).zip(i.chunks(PIECE)) {
                    o.copy_from_slice(i);
                }
            });
    });
}
// ANCHOR_END: memcpy_pieces

fn check(input: &[f64], out: &[f64], what: &str) -> anyhow::Result<()> {
    let n = input.len();
    for &i in &[0, n / 3, n / 2, n - 1] {
        anyhow::ensure!(
            out[i] == input[i] * input[i],
            "{what}: element {i} is {} instead of {}",
            out[i],
            input[i] * input[i]
        );
    }
    Ok(())
}

/// Measures every variant at every size. Bandwidths count read + write: 16 bytes per element.
pub fn run(
    sizes: &Sizes,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<(Vec<Measurement>, Vec<Ratio>)> {
    let pool = pinned_pool(THREADS)?;
    let mut ms = Vec::new();
    let mut ratios = Vec::new();
    // The targets about large outputs are judged at the largest size (10⁸ in a full run).
    let largest = sizes.arrays.iter().map(|&(n, _)| n).max().unwrap_or(0);
    for &(n, samples) in &sizes.arrays {
        let label_n = super::count_label(n);
        let bytes = (n * 16) as f64; // read n doubles + write n doubles
        let gbps = |s: f64| bytes / s / 1e9;
        let plan = Plan { warmup: 1, samples };
        let inp = input(n);
        let mut out = vec![1.0f64; n]; // written once: every page is touched before timing
        // Starts at 1.5: repeated squaring in place goes to infinity, never into slow subnormals.
        let mut data = vec![1.5f64; n];

        // Each variant once, checked, before anything is timed.
        memcpy_halves(&pool, &inp, &mut out);
        anyhow::ensure!(out == inp, "memcpy did not copy");
        out.fill(0.0);
        memcpy_pieces(&pool, &inp, &mut out);
        anyhow::ensure!(out == inp, "memcpy in pieces did not copy");
        ffi::square_array(&inp, &mut out).expect("equal lengths");
        check(&inp, &out, "one call")?;
        out.fill(0.0);
        rayon_square(&pool, &inp, &mut out);
        check(&inp, &out, "rayon")?;

        tick(&format!(
            "square_array variants, {label_n} doubles, round-robin"
        ));
        // Page faults of the two fresh variants, per timed run (getrusage around each).
        let mut faults: [Vec<f64>; 3] = Default::default();
        let mut counting = |which: usize, run: &mut dyn FnMut() -> Duration| {
            let before = page_faults();
            let t = run();
            faults[which].push((page_faults() - before) as f64);
            t
        };
        let narrow = ffi::stores::StorePath::Sse2;
        let narrow = if narrow.supported() {
            narrow
        } else {
            ffi::stores::StorePath::Plain
        };
        let best = ffi::stores::StorePath::best();
        let times = sample_each(plan, 8, |variant| match variant {
            0 => time(|| memcpy_halves(&pool, &inp, &mut out)),
            1 => time(|| ffi::square_array(&inp, &mut out).expect("equal lengths")),
            2 => time(|| rayon_square(&pool, &inp, &mut out)),
            3 => time(|| rayon_in_place(&pool, &mut data)),
            4 => time(|| rayon_square_on(&pool, narrow, &inp, &mut out)),
            5 => counting(0, &mut || rayon_into_fresh(&pool, &inp)),
            6 => counting(1, &mut || rayon_into_huge(&pool, &inp)),
            _ => time(|| memcpy_pieces(&pool, &inp, &mut out)),
        });
        // At the largest size, the huge-page output once more after a pause each time (see
        // `PAUSE`): apart from the round-robin, whose variants the pauses would disturb.
        let paused: Vec<Duration> = if n == largest {
            (0..plan.samples)
                .map(|_| {
                    std::thread::sleep(PAUSE); // untimed
                    counting(2, &mut || rayon_into_huge(&pool, &inp))
                })
                .collect()
        } else {
            Vec::new()
        };
        // The last variant to write `out` in each round is the copy in pieces.
        anyhow::ensure!(out == inp, "memcpy in pieces, after timing, did not copy");
        anyhow::ensure!(data[n - 1] > 2.0, "in-place squaring did not run");
        drop((out, data));
        let m = |id: &str, label: String, t: &[Duration]| {
            Measurement::from_times(format!("{id}_{n}"), GROUP, label, "GB/s", true, t, gbps)
        };
        let memcpy = m(
            "array_memcpy_2t",
            format!("memcpy, 2 pinned threads, {label_n} doubles (ceiling)"),
            &times[0],
        )?;
        let one = m(
            "array_one_call",
            format!("one C call, 1 thread, {label_n} doubles"),
            &times[1],
        )?;
        let ray = m(
            "array_rayon_2t",
            format!(
                "rayon par_chunks_mut over C ({} stores), 2 pinned threads, {label_n} doubles",
                best.name()
            ),
            &times[2],
        )?;
        let ray_narrow = m(
            "array_rayon_narrow_stores",
            format!("the same with {} stores, {label_n} doubles", narrow.name()),
            &times[4],
        )?;
        let in_place = m(
            "array_rayon_in_place",
            format!("rayon over C in place (in == out), 2 pinned threads, {label_n} doubles"),
            &times[3],
        )?;
        let pieces = m(
            "array_memcpy_pieces",
            format!(
                "memcpy in 1 MiB pieces (ordinary stores), 2 pinned threads, {label_n} doubles"
            ),
            &times[7],
        )?;
        let fresh = m(
            "array_rayon_fresh",
            format!("rayon as above, output freshly allocated, {label_n} doubles"),
            &times[5],
        )?;
        let huge = m(
            "array_rayon_huge",
            format!(
                "rayon as above, fresh output with huge pages, faulted in by each thread, \
                 {label_n} doubles"
            ),
            &times[6],
        )?;
        let pages = (n * 8).div_ceil(4096) as f64;
        // What each fresh page cost, from the two medians: (1/fresh - 1/touched) per page.
        let extra_s = bytes / fresh.summary.median / 1e9 - bytes / ray.summary.median / 1e9;
        let median = |v: &[f64]| super::sampling::Summary::of(v).map_or(0.0, |s| s.median);
        let fresh = fresh
            .with("us_per_fresh_page", extra_s / pages * 1e6)
            .with("page_faults", median(&faults[0]));
        let huge = huge.with("page_faults", median(&faults[1]));
        if n == largest {
            let paused = m(
                "array_rayon_huge_paused",
                format!(
                    "the same, allocated {} s after the last large free, {label_n} doubles",
                    PAUSE.as_secs()
                ),
                &paused,
            )?
            .with("page_faults", median(&faults[2]));
            ratios.push(ratio(
                &format!("array_huge_vs_huge_paused_{n}"),
                &format!(
                    "fresh huge pages at once ÷ after a {} s pause (the host's share), {label_n}",
                    PAUSE.as_secs()
                ),
                &huge,
                &paused,
            ));
            ms.push(paused);
        }

        ratios.push(
            ratio(
                &format!("array_rayon_vs_memcpy_{n}"),
                &format!("rayon over C ÷ 2-thread memcpy bandwidth, {label_n}"),
                &ray,
                &memcpy,
            )
            .target(
                &if n == largest {
                    format!("≥ 95% of memcpy at {label_n}")
                } else {
                    format!("≥ memcpy at {label_n}")
                },
                if n == largest { 0.95 } else { 1.0 },
            )
            .limit("2-thread memcpy", &memcpy),
        );
        ratios.push(ratio(
            &format!("array_wide_vs_narrow_stores_{n}"),
            &format!(
                "rayon over C, {} stores ÷ {} stores, {label_n}",
                best.name(),
                narrow.name()
            ),
            &ray,
            &ray_narrow,
        ));
        ratios.push(ratio(
            &format!("array_rayon_vs_memcpy_pieces_{n}"),
            &format!("rayon over C ÷ memcpy in 1 MiB pieces (ordinary stores), {label_n}"),
            &ray,
            &pieces,
        ));
        ratios.push(ratio(
            &format!("array_in_place_vs_memcpy_{n}"),
            &format!("rayon in place ÷ 2-thread memcpy bandwidth, {label_n}"),
            &in_place,
            &memcpy,
        ));
        ratios.push(ratio(
            &format!("array_rayon_vs_one_call_{n}"),
            &format!("rayon 2 threads ÷ one C call, {label_n}"),
            &ray,
            &one,
        ));
        ratios.push(ratio(
            &format!("array_fresh_vs_touched_{n}"),
            &format!("fresh output ÷ pre-touched output (rayon), {label_n}"),
            &fresh,
            &ray,
        ));
        let huge_vs_touched = ratio(
            &format!("array_huge_vs_touched_{n}"),
            &format!("fresh output with huge pages ÷ pre-touched output (rayon), {label_n}"),
            &huge,
            &ray,
        );
        // The target is for the largest size (1e8 doubles, 800 MB, in a full run), where the
        // faults dominated.
        ratios.push(if n == largest {
            huge_vs_touched
                .target(&format!("fresh output ≥ 50% of reused at {label_n}"), 0.5)
                .limit("output reused", &ray)
        } else {
            huge_vs_touched
        });
        ms.extend([memcpy, pieces, one, ray, ray_narrow, in_place, fresh, huge]);
    }
    Ok((ms, ratios))
}
