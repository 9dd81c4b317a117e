//! The `mpi` group's ranks: `lab-mpi-bench` (`crates/distributed`) built in release, started
//! through the lab's launcher (`supervisor::mpi`, which adds every flag `mpirun` needs and says
//! why) on 2 and 4 ranks over each transport, and the JSON lines it prints turned into the
//! suite's measurements. The counter job's totals become a target of their own: exact at every
//! rank count, met or missed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, ensure};
use serde::Deserialize;
use supervisor::mpi::{Launch, Transport};

use super::mpi::GROUP;
use super::sampling::{Measurement, Ratio, ratio};

/// How long one `mpirun` of the bench program may take.
const LAUNCH_LIMIT: Duration = Duration::from_secs(5 * 60);

/// What the bench program prints for one measurement: seconds per timed run, and how many
/// round trips one run did; the counter job adds the totals it reduced and what they should be.
#[derive(Debug, Deserialize)]
pub struct Line {
    id: String,
    samples_s: Vec<f64>,
    per: f64,
    #[serde(default)]
    totals: Vec<u64>,
    #[serde(default)]
    expected: u64,
}

/// `mpirun` is here, or an error that says how to install it (CI installs it: never a skip).
pub fn require_mpirun() -> anyhow::Result<PathBuf> {
    supervisor::mpi::mpirun().with_context(|| {
        format!(
            "mpirun is not installed, so the MPI comparison cannot run: install OpenMPI: {}",
            supervisor::mpi::INSTALL
        )
    })
}

/// Builds `lab-mpi-bench` in release; returns its path.
pub fn build() -> anyhow::Result<PathBuf> {
    let release = super::extension::build_release(&["-p", "distributed", "--bins"])?;
    Ok(release.join("lab-mpi-bench"))
}

/// Runs the bench program on `ranks` ranks over `transport`; returns the lines it printed.
pub fn launch(
    program: &Path,
    ranks: u32,
    transport: Transport,
    args: &[String],
) -> anyhow::Result<Vec<Line>> {
    let how = Launch {
        ranks,
        transport,
        limit: LAUNCH_LIMIT,
    };
    let done = supervisor::mpi::launch(&how, program, args)
        .with_context(|| format!("lab-mpi-bench on {ranks} ranks ({transport:?})"))?;
    done.stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).with_context(|| format!("lab-mpi-bench printed {l}")))
        .collect()
}

/// The line `id` of `lines`, as a measurement in `unit` (`ms` per run, `µs` per round trip, or
/// `GB/s` for `bytes` each way per round trip).
pub fn measurement(
    lines: &[Line],
    id: &str,
    (new_id, label): (String, String),
    unit: &str,
    bytes: usize,
) -> anyhow::Result<Measurement> {
    let l = lines
        .iter()
        .find(|l| l.id == id)
        .with_context(|| format!("lab-mpi-bench did not report {id}"))?;
    let values = l
        .samples_s
        .iter()
        .map(|&s| convert(unit, s, l.per, bytes))
        .collect();
    Measurement::new(new_id, GROUP, label, unit, unit == "GB/s", values)
}

/// Seconds for `per` round trips (or one job) in `unit`: ms, µs per round trip, or GB/s when
/// each round trip carries `bytes` each way.
pub fn convert(unit: &str, seconds: f64, per: f64, bytes: usize) -> f64 {
    match unit {
        "ms" => seconds * 1e3,
        "µs" => seconds * 1e6 / per,
        _ => 2.0 * bytes as f64 * per / seconds / 1e9,
    }
}

/// Exactness as a ratio: the worst run's total against the expected one (1 only when every
/// run's total was exact; below 1 for a total too small or too large), target ≥ 1.
pub fn exactness(lines: &[Line], ranks: u32, what: &str) -> anyhow::Result<Ratio> {
    let l = lines
        .iter()
        .find(|l| l.id == "counter")
        .context("lab-mpi-bench did not report the counter job")?;
    ensure!(
        !l.totals.is_empty() && l.expected > 0,
        "the counter job reported no totals"
    );
    let score = |t: u64| t.min(l.expected) as f64 / t.max(l.expected) as f64;
    let scores: Vec<f64> = l.totals.iter().map(|&t| score(t)).collect();
    let worst = scores.iter().copied().fold(1.0, f64::min);
    let best = scores.iter().copied().fold(0.0, f64::max);
    let expected = Measurement::new(
        "expected",
        GROUP,
        "expected",
        "increments",
        true,
        vec![l.expected as f64],
    )?;
    let mut r = ratio(
        &format!("mpi_counter_exact_{ranks}_{what}"),
        &format!("counter job on {ranks} ranks ({what}): worst run's total ÷ expected"),
        &expected,
        &expected,
    )
    .target(&format!("counter job exact on {ranks} ranks ({what})"), 1.0)
    .limit("expected total", &expected);
    r.value = worst;
    r.range = (worst, best);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(totals: &[u64], expected: u64) -> Vec<Line> {
        vec![Line {
            id: "counter".into(),
            samples_s: vec![0.1; totals.len()],
            per: 1.0,
            totals: totals.to_vec(),
            expected,
        }]
    }

    #[test]
    fn the_counter_is_exact_only_when_every_run_counted_every_increment() {
        let exact = exactness(&counter(&[1000, 1000, 1000], 1000), 2, "shm").unwrap();
        assert_eq!((exact.met(), exact.value), (Some(true), 1.0));
        let lost = exactness(&counter(&[1000, 999, 1000], 1000), 4, "tcp").unwrap();
        assert_eq!(lost.met(), Some(false));
        assert_eq!(lost.range, (0.999, 1.0));
        // Counted twice is as wrong as lost.
        let twice = exactness(&counter(&[1000, 2000], 1000), 2, "shm").unwrap();
        assert_eq!((twice.met(), twice.value), (Some(false), 0.5));
        assert!(exactness(&counter(&[], 1000), 2, "shm").is_err());
    }

    #[test]
    fn seconds_become_the_unit_each_row_is_read_in() {
        assert_eq!(convert("ms", 0.25, 1.0, 0), 250.0);
        assert_eq!(convert("µs", 0.002, 1000.0, 0), 2.0);
        // 8e7 bytes each way in 0.04 s: 1.6e8 bytes moved, 4 GB/s.
        assert_eq!(convert("GB/s", 0.04, 1.0, 80_000_000), 4.0);
    }
}
