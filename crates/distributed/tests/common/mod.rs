//! What the MPI tests share: running `lab-mpi` through the lab's launcher, one job at a time,
//! and proving afterwards that nothing of it is left.

#![allow(
    dead_code,
    reason = "each test binary that includes this module uses a part of it"
)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use distributed::Outcome;
use supervisor::Finished;
use supervisor::mpi::{Launch, MpiError, Transport};

/// The binary cargo built for these tests.
pub const LAB_MPI: &str = env!("CARGO_BIN_EXE_lab-mpi");

/// One job at a time per test binary: the machine may have fewer cores than the ranks, and
/// [`assert_nothing_left`] must not see another test's ranks.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A healthy job's limit: far above what it needs, so only a hang reaches it.
pub const HEALTHY: Duration = Duration::from_secs(120);

/// Runs `lab-mpi args..` on `ranks` ranks over `transport`, stopped after `limit`; then
/// asserts that no process of it is left.
pub fn launch(
    ranks: u32,
    transport: Transport,
    limit: Duration,
    args: &[&str],
) -> Result<Finished, MpiError> {
    supervisor::mpi::require_mpirun();
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let job = Launch {
        ranks,
        transport,
        limit,
    };
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let got = supervisor::mpi::launch(&job, Path::new(LAB_MPI), &args);
    assert_nothing_left();
    got
}

/// [`launch`] of a job that must succeed: the fields of rank 0's result line, which must say
/// it matched the single-process result.
pub fn exact(ranks: u32, transport: Transport, args: &[&str]) -> BTreeMap<String, String> {
    let done = launch(ranks, transport, HEALTHY, args)
        .unwrap_or_else(|e| panic!("lab-mpi {args:?} on {ranks} ranks: {e}\n{}", e.output()));
    let fields = Outcome::parse(&done.stdout)
        .unwrap_or_else(|| panic!("no result line in:\n{}", done.combined()));
    assert_eq!(fields["exact"], "true", "{}", done.stdout);
    assert_eq!(fields["ranks"], ranks.to_string());
    assert_eq!(fields["got"], fields["expected"]);
    fields
}

/// No process runs our `lab-mpi`, nor an mpirun started for it, and no scratch folder of the
/// launcher is left in `/dev/shm`.
pub fn assert_nothing_left() {
    let ours = |p: &supervisor::procfs::Stat| {
        p.exe().is_some_and(|e| e == Path::new(LAB_MPI)) || p.cmdline().iter().any(|a| a == LAB_MPI)
    };
    let left: Vec<String> = supervisor::procfs::all()
        .into_iter()
        .filter(|p| p.is_running() && ours(p))
        .map(|p| format!("{} ({}): {:?}", p.pid, p.comm, p.cmdline()))
        .collect();
    assert!(left.is_empty(), "left running after the job: {left:#?}");
}
