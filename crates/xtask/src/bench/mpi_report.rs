//! What the `mpi` group's run means: its figure, and the model on paper that takes its
//! numbers past this machine (`mpi_model.md`). Both are drawn from `results.json` alone, so
//! `--replot` redraws them.
//!
//! The model predicts E3 (square `n` doubles held by one host) on `k` hosts, one core each,
//! joined by one link of one-way latency `L` and bandwidth `B`:
//!
//! ```text
//! T(k) = n·c / k  +  2·(k − 1)·(L + (n/k)·8 / B)
//! ```
//!
//! `c` is the time to square one element on one core, measured in the same run (one C call
//! over the whole array). The root keeps one piece and sends each of the other `k − 1` hosts
//! its `n/k` doubles, one after another over its one link, then receives them back squared: no
//! tree, no overlap of sending with squaring, which is what a plain `Scatterv` and `Gatherv`
//! of large pieces amount to. Checked against the TCP-loopback runs at `k` = 2 and 4, with
//! the loopback's own latency and bandwidth from the same run and the ranks sharing this
//! machine's cores (`n·c / min(k, cores)`).

use std::fmt::Write as _;

use super::chart::{Chart, Row};
use super::figures::{empty, push, set_limits};
use super::report::{Results, caption, num};
use super::sampling::Measurement;

/// A network the model is evaluated for: one-way latency, bandwidth, and where they come from.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    /// Its name in the table.
    pub name: &'static str,
    /// One-way latency of a small message, µs.
    pub latency_us: f64,
    /// Bandwidth, GB/s (10⁹ bytes per second).
    pub gbytes_per_s: f64,
    /// Where the figures come from.
    pub source: &'static str,
}

/// The two stated networks: line rates, and typical published latencies (not measured here).
pub const NETWORKS: [Network; 2] = [
    Network {
        name: "10 Gbit/s Ethernet, TCP",
        latency_us: 20.0,
        gbytes_per_s: 1.25,
        source: "line rate; one-way latency through the kernel's TCP stack, typical published \
                 figures 10–50 µs",
    },
    Network {
        name: "100 Gbit/s Ethernet, RDMA",
        latency_us: 3.0,
        gbytes_per_s: 12.5,
        source: "line rate; one-way latency with RDMA (RoCE, InfiniBand-class NICs), typical \
                 published figures 2–5 µs",
    },
];

/// E3's predicted time, ns: `n` doubles on `k` hosts with `cores` cores among them, `c_ns` per
/// element squared on one core, a link of `latency_ns` and `bytes_per_ns`.
pub fn predict(
    n: f64,
    k: u32,
    cores: u32,
    c_ns: f64,
    latency_ns: f64,
    bytes_per_ns: f64,
) -> (f64, f64) {
    let compute = n * c_ns / f64::from(k.min(cores).max(1));
    let pieces = f64::from(k.saturating_sub(1));
    let send = 2.0 * pieces * (latency_ns + n / f64::from(k) * 8.0 / bytes_per_ns);
    (compute, send)
}

/// The size from which sending `n` doubles out and back (`2·L + 16·n / B`) costs less than
/// squaring them on one core (`n·c`): `None` when it never does, because the link carries an
/// element's 16 bytes more slowly than a core squares it.
pub fn break_even(c_ns: f64, latency_ns: f64, bytes_per_ns: f64) -> Option<f64> {
    let per_element = c_ns - 16.0 / bytes_per_ns;
    (per_element > 0.0).then(|| 2.0 * latency_ns / per_element)
}

/// The measurement `id`'s median.
fn median(r: &Results, id: &str) -> Option<f64> {
    r.measurements
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.summary.median)
}

/// The first measurement whose id starts with `prefix`, with the size its id ends in.
fn sized<'a>(r: &'a Results, prefix: &str) -> Option<(&'a Measurement, f64)> {
    r.measurements.iter().find_map(|m| {
        let size = m.id.strip_prefix(prefix)?.parse::<f64>().ok()?;
        Some((m, size))
    })
}

/// The model as Markdown tables, from the run's `mpi` measurements.
pub fn model_table(r: &Results) -> String {
    let mut s = String::new();
    if let Some(sk) = r.skipped.iter().find(|s| s.group == super::mpi::GROUP) {
        let _ = writeln!(
            s,
            "_Skipped in this run: {}._\n\n_{}_",
            sk.reason,
            caption(r)
        );
        return s;
    }
    let (Some((one, n)), Some(rt_tcp), Some((bw_tcp, _))) = (
        sized(r, "mpi_e3_one_core_"),
        median(r, "mpi_latency_tcp"),
        sized(r, "mpi_bw_tcp_"),
    ) else {
        let _ = writeln!(
            s,
            "_Skipped in this run: the MPI rows the model needs are missing._\n\n_{}_",
            caption(r)
        );
        return s;
    };
    let c = one.summary.median * 1e6 / n; // ms per n elements → ns per element
    let loopback = Network {
        name: "TCP on loopback (this machine)",
        latency_us: rt_tcp / 2.0,
        gbytes_per_s: bw_tcp.summary.median,
        source: "measured in this run: half the 8-byte round trip; the large message each way",
    };
    let mut inputs = lab::Table::new(["input", "value", "from"]);
    inputs.row([
        "squaring on one core".to_string(),
        format!(
            "{} ns per element ({} GB/s, read + write)",
            num(c),
            num(16.0 / c)
        ),
        "measured in this run: one C call over the whole array".into(),
    ]);
    for net in std::iter::once(&loopback).chain(&NETWORKS) {
        inputs.row([
            net.name.to_string(),
            format!(
                "{} µs one way, {} GB/s",
                num(net.latency_us),
                num(net.gbytes_per_s)
            ),
            net.source.to_string(),
        ]);
    }
    let mut table = lab::Table::new([
        "network",
        "hosts k",
        "squaring (ms)",
        "sending (ms)",
        "predicted (ms)",
        "measured (ms)",
        "measured ÷ predicted",
    ]);
    let cores = r.machine.cores as u32;
    let label_n = super::count_label(n as usize);
    for (net, ks, cores) in [
        (&loopback, &[2, 4][..], cores),
        (&NETWORKS[0], &[1, 2, 4], u32::MAX),
        (&NETWORKS[1], &[1, 2, 4], u32::MAX),
    ] {
        for &k in ks {
            let (compute, send) = predict(n, k, cores, c, net.latency_us * 1e3, net.gbytes_per_s);
            let predicted = (compute + send) / 1e6;
            let measured = (net.name == loopback.name)
                .then(|| median(r, &format!("mpi_e3_ranks{k}_tcp_{n}")))
                .flatten();
            table.row([
                net.name.to_string(),
                k.to_string(),
                num(compute / 1e6),
                num(send / 1e6),
                num(predicted),
                measured.map_or("—".into(), num),
                measured.map_or("—".into(), |m| format!("{}x", num(m / predicted))),
            ]);
        }
    }
    let mut even = lab::Table::new([
        "network",
        "one element out and back (ns)",
        "squaring it (ns)",
        "break-even size",
        "work per element to break even",
    ]);
    for net in std::iter::once(&loopback).chain(&NETWORKS) {
        let wire = 16.0 / net.gbytes_per_s;
        let size = break_even(c, net.latency_us * 1e3, net.gbytes_per_s);
        even.row([
            net.name.to_string(),
            num(wire),
            num(c),
            size.map_or("none: sending costs more at every size".into(), |n| {
                format!("{} doubles", num(n))
            }),
            format!("{}x E3's", num((wire / c).max(1.0))),
        ]);
    }
    let _ = writeln!(
        s,
        "{}\n{}\n_E3 at {label_n} doubles._\n\n{}",
        inputs.render(),
        table.render(),
        even.render()
    );
    for n in r.notes.iter().filter(|n| n.group == super::mpi::GROUP) {
        let _ = writeln!(s, "\n_Note: {}._", n.text);
    }
    let _ = writeln!(s, "\n_{}_", caption(r));
    s
}

/// The figure's bars, top to bottom: id (a trailing `_` stands for the size the id ends in),
/// group (0 round trip, 1 large message, 2 counter job, 3 E3), series (the path), label.
const BARS: &[(&str, usize, &str, &str)] = &[
    ("mpi_latency_lab_pipe", 0, PIPES, "pool, Count(1) task"),
    ("mpi_latency_lab_shm", 0, LAB_SHM, "pool, 1-element task"),
    ("mpi_latency_shm", 0, MPI_SHM, "MPI, 8 bytes, shm"),
    (
        "mpi_latency_shm_copied",
        0,
        MPI_COPIED,
        "MPI, 8 bytes, shm copied",
    ),
    ("mpi_latency_tcp", 0, TCP, "MPI, 8 bytes, TCP"),
    ("mpi_bw_lab_pipe_", 1, PIPES, "pool, pipes"),
    ("mpi_bw_lab_shm_", 1, LAB_SHM, "pool, squared in place"),
    ("mpi_bw_shm_", 1, MPI_SHM, "MPI, shm (CMA)"),
    ("mpi_bw_shm_copied_", 1, MPI_COPIED, "MPI, shm copied"),
    ("mpi_bw_tcp_", 1, TCP, "MPI, TCP"),
    ("mpi_count_threads", 2, THREADS, "2 threads"),
    ("mpi_count_pool", 2, PIPES, "2 processes"),
    ("mpi_count_ranks2_shm", 2, MPI_SHM, "2 ranks, shm"),
    ("mpi_count_ranks4_shm", 2, MPI_SHM, "4 ranks, shm"),
    (
        "mpi_count_ranks2_shm_copied",
        2,
        MPI_COPIED,
        "2 ranks, shm copied",
    ),
    (
        "mpi_count_ranks4_shm_copied",
        2,
        MPI_COPIED,
        "4 ranks, shm copied",
    ),
    ("mpi_count_ranks2_tcp", 2, TCP, "2 ranks, TCP"),
    ("mpi_count_ranks4_tcp", 2, TCP, "4 ranks, TCP"),
    ("mpi_e3_one_core_", 3, THREADS, "1 thread, one call"),
    ("mpi_e3_threads_", 3, THREADS, "2 threads"),
    ("mpi_e3_pipes_", 3, PIPES, "2 processes, pipes"),
    ("mpi_e3_shm_", 3, LAB_SHM, "2 processes, shm"),
    ("mpi_e3_ranks2_shm_", 3, MPI_SHM, "2 ranks, shm"),
    ("mpi_e3_ranks4_shm_", 3, MPI_SHM, "4 ranks, shm"),
    (
        "mpi_e3_ranks2_shm_copied_",
        3,
        MPI_COPIED,
        "2 ranks, shm copied",
    ),
    (
        "mpi_e3_ranks4_shm_copied_",
        3,
        MPI_COPIED,
        "4 ranks, shm copied",
    ),
    ("mpi_e3_ranks2_tcp_", 3, TCP, "2 ranks, TCP"),
    ("mpi_e3_ranks4_tcp_", 3, TCP, "4 ranks, TCP"),
];

/// The paths, one colour each in the figure.
const THREADS: &str = "threads";
const PIPES: &str = "lab pool, pipes";
const LAB_SHM: &str = "lab pool, shared memory";
const MPI_SHM: &str = "MPI, shared memory";
const MPI_COPIED: &str = "MPI, shared memory, copied";
const TCP: &str = "MPI, TCP loopback";

/// Whether `id` is the one `pattern` names (with its size, for a pattern ending in `_`); the
/// size, or 0.
fn matches(pattern: &str, id: &str) -> Option<f64> {
    if id == pattern {
        return Some(0.0);
    }
    let size = id
        .strip_prefix(pattern)
        .filter(|_| pattern.ends_with('_'))?;
    size.parse().ok()
}

/// The figure: ms per job or per message on one log axis, grouped by what is measured, one
/// colour per path; the copy limit drawn across the large message and the memcpy across E3.
pub fn chart(ms: &[&Measurement]) -> Chart {
    let mut c = empty("ms (lower is better)");
    let find = |pattern: &str| ms.iter().find_map(|m| Some((*m, matches(pattern, &m.id)?)));
    let count = find("mpi_count_threads").map_or("counter job".into(), |(m, _)| {
        m.label
            .split(':')
            .next()
            .unwrap_or("counter job")
            .to_string()
    });
    let bytes = find("mpi_bw_shm_").map_or(0.0, |(_, b)| b);
    let n = find("mpi_e3_threads_").map_or(0, |(_, n)| n as usize);
    let titles = [
        "one small round trip".to_string(),
        format!("{:.0} MB each way", bytes / 1e6),
        count,
        format!("E3, {} doubles", super::count_label(n)),
    ];
    for &(pattern, group, series, label) in BARS {
        let Some((m, size)) = find(pattern) else {
            continue;
        };
        let s = m.summary;
        let (median, min, max) = match m.unit.as_str() {
            // A bandwidth becomes the time of its round trip, so its slowest run is the longest.
            "GB/s" => {
                let t = |gbps: f64| ms_there_and_back(gbps, size);
                (t(s.median), t(s.max), t(s.min))
            }
            "µs" => (s.median / 1e3, s.min / 1e3, s.max / 1e3),
            _ => (s.median, s.min, s.max),
        };
        let (series, label) = (series.into(), label.into());
        let r = Row {
            series,
            label,
            median,
            min,
            max,
        };
        push(&mut c.groups, &titles[group], r);
    }
    let mut limits = Vec::new();
    if let Some((m, size)) = find("mpi_bw_memcpy_") {
        limits.push((titles[1].clone(), ms_there_and_back(m.summary.median, size)));
    }
    set_limits(&mut c.groups, limits, "a copy there and back");
    if let Some((m, _)) = find("mpi_e3_memcpy_") {
        set_limits(
            &mut c.groups,
            vec![(titles[3].clone(), m.summary.median)],
            "memcpy",
        );
    }
    c
}

/// ms for `bytes` each way (2·bytes in all) at `gbps` GB/s.
fn ms_there_and_back(gbps: f64, bytes: f64) -> f64 {
    2.0 * bytes / gbps / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_host_only_squares_and_more_hosts_pay_each_piece_out_and_back() {
        // 1e7 doubles at 1 ns each, 10 µs and 1 GB/s (1 byte per ns).
        let (compute, send) = predict(1e7, 1, 8, 1.0, 1e4, 1.0);
        assert_eq!((compute, send), (1e7, 0.0));
        let (compute, send) = predict(1e7, 4, 8, 1.0, 1e4, 1.0);
        assert_eq!(compute, 2.5e6);
        // 3 pieces of 2.5e6 doubles (2e7 bytes), each out and back, each with its latency.
        assert_eq!(send, 2.0 * 3.0 * (1e4 + 2e7));
        // Four ranks on two cores square at two cores' pace.
        assert_eq!(predict(1e7, 4, 2, 1.0, 1e4, 1.0).0, 5e6);
    }

    #[test]
    fn there_is_a_break_even_size_only_when_the_link_outruns_the_core() {
        // 16 bytes in 1.6 ns at 10 GB/s, against 2 ns of squaring: worth it above 2L / 0.4 ns.
        let n = break_even(2.0, 1e3, 10.0).unwrap();
        assert!((n - 5e3).abs() < 1e-6, "{n}");
        // E3 at 1.25 GB/s: 12.8 ns on the wire for 1.6 ns of work, at every size.
        assert_eq!(break_even(1.6, 2e4, 1.25), None);
    }
}
