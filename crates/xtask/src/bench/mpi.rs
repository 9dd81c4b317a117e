//! Beyond one machine: the same two jobs (the counter, the article's E3) on threads, on the
//! lab's pool through pipes and through shared memory, and on MPI ranks over OpenMPI's
//! shared-memory transport and over TCP on loopback (the stand-in for a network), in one run;
//! and beside them what each path costs to talk: one small round trip, and one large message
//! each way.
//!
//! The threads and the pool are timed by the `processes` group's own code
//! ([`square_paths`], [`count_paths`]) at this group's size. The ranks are timed inside
//! `lab-mpi-bench` (`crates/distributed`), started through the lab's launcher
//! (`supervisor::mpi`), which prints one JSON line per measurement: seconds per timed run, as
//! the Python scripts do. What the lab's pool pays to talk is measured the way the pool is
//! used, with one worker: a `Count(1)` task over the pipes, a one-element `SquareShm` task, and
//! one large task each way (through the pipes, or squared in place in shared memory, where no
//! byte is copied). The limit a copying path cannot beat is timed beside them: the same bytes
//! copied there and back by one thread.
//!
//! Two targets: MPI's shared-memory bandwidth within 2x of the lab's shared-memory path, and
//! the MPI counter job exact at every rank count (met or missed, not a timing). The model that
//! takes these numbers past this machine is in [`mpi_report`](super::mpi_report).

use std::time::Duration;

use anyhow::{Context, ensure};
use isolated::{Pool, PoolConfig, Task, TempSharedF64s};
use supervisor::mpi::Transport;

use super::Sizes;
use super::arrays::THREADS;
use super::processes::{count_paths, square_paths};
use super::ranks;
use super::sampling::{Measurement, Plan, Ratio, pinned_pool, ratio, sample, sample_each, time};

/// The group name (table `mpi.md`, figure `mpi.svg`, the model `mpi_model.md`).
pub const GROUP: &str = "mpi";

/// The rank counts: one per core of the reference machine, and more ranks than cores.
pub const RANKS: [u32; 2] = [2, 4];

/// The transports, with the word their ids use: OpenMPI's shared memory as it comes (a large
/// message in one copy by the kernel, CMA), the same with large messages copied through the
/// shared segment instead, and TCP on loopback.
pub const TRANSPORTS: [(Transport, &str); 3] = [
    (Transport::SharedMemory, "shm"),
    (Transport::SharedMemoryCopied, "shm_copied"),
    (Transport::Tcp, "tcp"),
];

/// The lab's side of the two wire measurements, with one worker: the pool's small round trip
/// over the pipes and its smallest shared-memory task; one large task each way through the
/// pipes and in shared memory; and one thread copying the same bytes there and back (the
/// limit of a path that copies). Returns the runs of each, in that order.
fn lab_wire(
    worker: &std::path::Path,
    sizes: &Sizes,
    plan: Plan,
) -> anyhow::Result<Vec<Vec<Duration>>> {
    let mut pool = Pool::start(PoolConfig::new(worker, 1))?;
    let mut one = TempSharedF64s::from_slice(&[1.5]).context("a one-element shared array")?;
    let big: Vec<f64> = vec![1.5; sizes.mpi_message];
    let mut shared = TempSharedF64s::from_slice(&big).context("the shared message")?;
    let (mut there, mut back) = (vec![0.0f64; big.len()], vec![0.0f64; big.len()]);
    let k = sizes.mpi_round_trips;
    let mut failed = None;
    let mut check = |r: Result<(), isolated::PoolError>| {
        if let Err(e) = r {
            failed.get_or_insert(e);
        }
    };
    let t = sample_each(plan, 5, |variant| match variant {
        0 => time(|| (0..k).for_each(|_| check(pool.run(&[Task::Count(1)]).map(drop)))),
        1 => time(|| (0..k).for_each(|_| check(pool.square_shm(&mut one, 1)))),
        2 => time(|| check(pool.square_pipe(&big, 1).map(drop))),
        3 => {
            shared.as_mut_slice().copy_from_slice(&big); // untimed: the same values every run
            time(|| check(pool.square_shm(&mut shared, 1)))
        }
        _ => time(|| {
            there.copy_from_slice(&big);
            back.copy_from_slice(&there);
        }),
    });
    if let Some(e) = failed {
        return Err(e).context("the lab's pool failed a wire measurement");
    }
    ensure!(back == big, "the copy there and back lost bytes");
    Ok(t)
}

/// Runs the whole comparison.
pub fn run(
    sizes: &Sizes,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<(Vec<Measurement>, Vec<Ratio>)> {
    ranks::require_mpirun()?;
    tick("mpi: building distributed (cargo build --release -p distributed --bins)");
    let program = ranks::build()?;
    let worker = isolated::locate::ensure_worker().context("the isolated worker binary")?;
    let plan = Plan {
        warmup: 1,
        samples: sizes.mpi_samples,
    };
    let (n, total, w) = (sizes.mpi_len, sizes.process_increments, THREADS);
    let (label_n, label_t) = (super::count_label(n), super::count_label(total as usize));
    let bytes = sizes.mpi_message * 8;
    let mb = bytes / 1_000_000;
    let k = sizes.mpi_round_trips as f64;
    let e3 = |path: &str| format!("mpi_e3_{path}_{n}");
    let bw = |path: &str| format!("mpi_bw_{path}_{bytes}");
    let mut ms = Vec::new();
    let mut ratios = Vec::new();

    tick("mpi: threads and the lab's pool, E3 and the counter job");
    let input: Vec<f64> = (0..n).map(|i| 0.5 + (i % 1000) as f64 * 1e-4).collect();
    let threads = pinned_pool(w)?;
    let mut pool = Pool::start(PoolConfig::new(&worker, w))?;
    let [memcpy, rayon, pipe, shm] = square_paths(&mut pool, &threads, &input, plan)?;
    let [count_threads, count_pool] = count_paths(&mut pool, total, plan);
    drop(pool);
    // The per-core rate the model on paper starts from: one C call over the whole array.
    let mut out = vec![0.0f64; n];
    let one_core = sample(plan, || {
        time(|| ffi::square_array(&input, &mut out).expect("equal lengths"))
    });
    ensure!(
        out[n - 1] == input[n - 1] * input[n - 1],
        "one C call squared wrongly"
    );
    drop((input, out));

    tick("mpi: the lab's pool, one small round trip and one large message each way");
    let wire = lab_wire(&worker, sizes, plan)?;
    let rows: [(String, String, &str, &[Duration]); 12] = [
        (
            e3("memcpy"),
            format!("E3, {label_n} doubles: memcpy, {w} pinned threads (ceiling)"),
            "ms",
            &memcpy,
        ),
        (
            e3("one_core"),
            "E3: one C call, 1 thread (the per-core rate)".into(),
            "ms",
            &one_core,
        ),
        (
            e3("threads"),
            format!("E3: rayon over C, {w} pinned threads"),
            "ms",
            &rayon,
        ),
        (
            e3("pipes"),
            format!("E3: the lab's pool, {w} processes, through pipes"),
            "ms",
            &pipe,
        ),
        (
            e3("shm"),
            format!("E3: the lab's pool, {w} processes, in shared memory"),
            "ms",
            &shm,
        ),
        (
            "mpi_count_threads".into(),
            format!("counter job, {label_t} increments: {w} threads"),
            "ms",
            &count_threads,
        ),
        (
            "mpi_count_pool".into(),
            format!("counter job: the lab's pool, {w} processes"),
            "ms",
            &count_pool,
        ),
        (
            "mpi_latency_lab_pipe".into(),
            "round trip: the lab's pool, a Count(1) task over pipes".into(),
            "µs",
            &wire[0],
        ),
        (
            "mpi_latency_lab_shm".into(),
            "round trip: the lab's pool, a 1-element shared-memory task".into(),
            "µs",
            &wire[1],
        ),
        (
            bw("lab_pipe"),
            format!("{mb} MB each way: the lab's pool, 1 worker, through pipes"),
            "GB/s",
            &wire[2],
        ),
        (
            bw("lab_shm"),
            format!("{mb} MB each way: the lab's pool, 1 worker, squared in shared memory"),
            "GB/s",
            &wire[3],
        ),
        (
            bw("memcpy"),
            format!("{mb} MB copied there and back, 1 thread (limit of a copy)"),
            "GB/s",
            &wire[4],
        ),
    ];
    for (id, label, unit, t) in rows {
        // One job per run of the E3 and counter rows, k round trips per run of the latency rows.
        let per = if unit == "µs" { k } else { 1.0 };
        let values = t
            .iter()
            .map(|t| ranks::convert(unit, t.as_secs_f64(), per, bytes));
        ms.push(Measurement::new(
            id,
            GROUP,
            label,
            unit,
            unit == "GB/s",
            values.collect(),
        )?);
    }

    for np in RANKS {
        for (transport, what) in TRANSPORTS {
            tick(&format!("mpi: lab-mpi-bench on {np} ranks over {what}"));
            let mut args = vec![
                format!("--len={n}"),
                format!("--increments={total}"),
                format!("--samples={}", sizes.mpi_samples),
            ];
            if np == 2 {
                args.push(format!("--round-trips={}", sizes.mpi_round_trips));
                args.push(format!("--message={}", sizes.mpi_message));
            }
            let lines = ranks::launch(&program, np, transport, &args)?;
            let how = match transport {
                Transport::SharedMemory => "shared memory",
                Transport::SharedMemoryCopied => "shared memory, copied",
                Transport::Tcp => "TCP on loopback",
            };
            let path = format!("ranks{np}_{what}");
            let mut rows = vec![
                ("e3", e3(&path), format!("E3: MPI, {np} ranks, {how}"), "ms"),
                (
                    "counter",
                    format!("mpi_count_{path}"),
                    format!("counter job: MPI, {np} ranks, {how}"),
                    "ms",
                ),
            ];
            if np == 2 {
                rows.push((
                    "latency",
                    format!("mpi_latency_{what}"),
                    format!("round trip: MPI, 8 bytes, {how}"),
                    "µs",
                ));
                rows.push((
                    "bandwidth",
                    bw(what),
                    format!("{mb} MB each way: MPI, {how}"),
                    "GB/s",
                ));
            }
            for (line, id, label, unit) in rows {
                ms.push(ranks::measurement(&lines, line, (id, label), unit, bytes)?);
            }
            ratios.push(ranks::exactness(&lines, np, what)?);
        }
    }
    ratios.extend(same_run_ratios(&ms, n, bytes)?);
    Ok((ms, ratios))
}

/// The ratios of the table, the bandwidth target among them.
fn same_run_ratios(ms: &[Measurement], n: usize, bytes: usize) -> anyhow::Result<Vec<Ratio>> {
    let m = |id: String| {
        ms.iter()
            .find(|m| m.id == id)
            .cloned()
            .with_context(|| format!("the MPI comparison did not measure {id}"))
    };
    let e3 = |path: &str| m(format!("mpi_e3_{path}_{n}"));
    let bw = |path: &str| m(format!("mpi_bw_{path}_{bytes}"));
    let mb = bytes / 1_000_000;
    let (mpi_bw, copied_bw, lab_bw) = (bw("shm")?, bw("shm_copied")?, bw("lab_shm")?);
    let mut out = vec![
        ratio(
            "mpi_shm_bw_vs_lab_shm",
            &format!(
                "{mb} MB each way: MPI shared memory, copied through the segment ÷ the lab's \
                 shared memory (bandwidth)"
            ),
            &copied_bw,
            &lab_bw,
        )
        .target("MPI shared-memory bandwidth within 2x of the lab's", 0.5)
        .limit("copy there and back, 1 thread", &bw("memcpy")?),
        ratio(
            "mpi_shm_cma_vs_copied",
            &format!(
                "{mb} MB each way: MPI shared memory, the kernel's single copy (CMA, OpenMPI's \
                 default) ÷ copied through the segment (bandwidth)"
            ),
            &mpi_bw,
            &copied_bw,
        ),
        ratio(
            "mpi_shm_bw_vs_copy",
            &format!(
                "{mb} MB each way: MPI shared memory, copied through the segment ÷ one thread \
                 copying there and back"
            ),
            &copied_bw,
            &bw("memcpy")?,
        ),
        ratio(
            "mpi_bw_tcp_vs_shm",
            "MPI bandwidth: shared memory ÷ TCP on loopback",
            &mpi_bw,
            &bw("tcp")?,
        ),
        ratio(
            "mpi_latency_tcp_vs_shm",
            "MPI round trip: TCP on loopback ÷ shared memory",
            &m("mpi_latency_tcp".into())?,
            &m("mpi_latency_shm".into())?,
        ),
        ratio(
            "mpi_latency_lab_pipe_vs_mpi_shm",
            "round trip: the lab's pool over pipes ÷ MPI shared memory",
            &m("mpi_latency_lab_pipe".into())?,
            &m("mpi_latency_shm".into())?,
        ),
        ratio(
            "mpi_e3_ranks_vs_threads",
            "E3: 2 MPI ranks (shared memory) ÷ 2 threads",
            &e3("ranks2_shm")?,
            &e3("threads")?,
        ),
        ratio(
            "mpi_e3_ranks_vs_lab_shm",
            "E3: 2 MPI ranks (shared memory) ÷ the lab's pool in shared memory",
            &e3("ranks2_shm")?,
            &e3("shm")?,
        ),
        ratio(
            "mpi_e3_ranks_vs_lab_pipes",
            "E3: the lab's pool through pipes ÷ 2 MPI ranks (shared memory)",
            &e3("pipes")?,
            &e3("ranks2_shm")?,
        ),
    ];
    for np in RANKS {
        out.push(ratio(
            &format!("mpi_e3_tcp_vs_shm_{np}"),
            &format!("E3 on {np} ranks: TCP on loopback ÷ shared memory"),
            &e3(&format!("ranks{np}_tcp"))?,
            &e3(&format!("ranks{np}_shm"))?,
        ));
    }
    out.push(ratio(
        "mpi_count_ranks_vs_pool",
        "counter job: 2 MPI ranks (shared memory) ÷ the lab's pool",
        &m("mpi_count_ranks2_shm".into())?,
        &m("mpi_count_pool".into())?,
    ));
    Ok(out)
}
