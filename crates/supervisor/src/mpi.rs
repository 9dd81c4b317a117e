//! MPI programs as supervised children: `mpirun -np N program args..` with every flag this
//! machine needs, under a time limit, with nothing left behind, and a failure told as the rank
//! that failed and why ([`MpiError`]).
//!
//! Nothing here links MPI: like [`crate::python`] runs `python3`, this only runs `mpirun`
//! (OpenMPI's launcher), so the supervisor builds on a machine without MPI. The program it
//! starts (`crates/distributed`'s `lab-mpi`) is what links the library.
//!
//! [`Launch::command`] adds a flag only when it is needed, with one sentence why, because a
//! student should never have to type them, nor wonder what they do:
//! - as root, `--allow-run-as-root` (mpirun refuses root otherwise);
//! - more ranks than cores, `--oversubscribe` (mpirun refuses otherwise);
//! - always `--timeout <s>`: mpirun stops a job that hangs; [`launch`] stops mpirun itself
//!   [`MARGIN`] later, since mpirun can hang too (OpenMPI 4.1.4 sometimes wedges in its own
//!   shutdown after a rank died);
//! - the [`Transport`]'s `--mca` flags.
//!
//! [`launch`] also gives the run a scratch folder of its own for OpenMPI's files, removed when
//! the run ends, and kills any rank that outlived mpirun (`scratch.rs` says why both are
//! needed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::{Finished, Output, RunError};

mod error;
mod scratch;
pub use error::{MpiError, reached};
pub(crate) use scratch::remove_scratch;
use scratch::{Scratch, kill_marked};

/// How to install what the MPI parts of the lab need (Debian's OpenMPI, and libclang for the
/// `mpi` crate's bindings).
pub const INSTALL: &str = "apt-get install openmpi-bin libopenmpi-dev libclang-dev \
                           (or `bash .ci/install-tools`)";

/// How much longer than mpirun's own `--timeout` [`launch`] waits before it stops mpirun.
pub const MARGIN: Duration = Duration::from_secs(5);

/// Set in every rank's environment to the run's scratch folder: how [`launch`] finds ranks
/// that outlived mpirun.
pub const RUN_ENV: &str = "LAB_MPI_RUN";

/// `mpirun` on `PATH`, when it is there.
pub fn mpirun() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("mpirun"))
        .find(|p| p.is_file())
}

/// [`mpirun`], or a panic that says how to install it: for tests, where a missing MPI must fail
/// the run, never skip it.
pub fn require_mpirun() -> PathBuf {
    mpirun().unwrap_or_else(|| {
        panic!("mpirun is not installed, so the MPI tests cannot run: install OpenMPI: {INSTALL}")
    })
}

/// How the ranks talk to each other (OpenMPI's byte transfer layers, `btl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `vader`: shared memory between processes of one machine, as OpenMPI sets it up: a large
    /// message goes in one copy made by the kernel (CMA, `process_vm_readv`).
    SharedMemory,
    /// `vader` with its single-copy mechanism off: a large message is copied into the shared
    /// segment by the sender and out of it by the receiver, in pipelined pieces, with no
    /// system call. Two copies, yet the faster of the two on the reference machine (the
    /// benchmark's `mpi` group measures both in one run).
    SharedMemoryCopied,
    /// TCP over the loopback interface: the stand-in for a network.
    Tcp,
}

impl Transport {
    /// The `--mca` flags that choose it (`self` is a rank talking to itself).
    pub fn flags(self) -> &'static [&'static str] {
        match self {
            Transport::SharedMemory => &["--mca", "btl", "self,vader"],
            Transport::SharedMemoryCopied => &[
                "--mca",
                "btl",
                "self,vader",
                "--mca",
                "btl_vader_single_copy_mechanism",
                "none",
            ],
            Transport::Tcp => &[
                "--mca",
                "btl",
                "tcp,self",
                "--mca",
                "btl_tcp_if_include",
                "lo",
            ],
        }
    }

    fn why(self) -> &'static str {
        match self {
            Transport::SharedMemory => "the ranks talk through shared memory (OpenMPI's vader)",
            Transport::SharedMemoryCopied => {
                "the ranks talk through shared memory (OpenMPI's vader), copying large messages \
                 through the shared segment instead of the kernel's single copy (CMA)"
            }
            Transport::Tcp => {
                "the ranks talk through TCP over loopback, the stand-in for a network"
            }
        }
    }
}

/// One MPI job: how many ranks, over which transport, stopped after `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// `-np`: how many processes (ranks) run the program.
    pub ranks: u32,
    /// How they talk.
    pub transport: Transport,
    /// mpirun's `--timeout` (whole seconds, at least 1); [`launch`] waits [`MARGIN`] more.
    pub limit: Duration,
}

/// What [`Launch::command`] needs to know about this machine.
#[derive(Debug, Clone, Copy)]
struct Host {
    root: bool,
    cores: usize,
}

impl Host {
    fn this() -> Host {
        Host {
            root: nix::unistd::geteuid().is_root(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

impl Launch {
    /// mpirun's `--timeout`: the limit in whole seconds, rounded up, at least 1.
    pub fn timeout_secs(&self) -> u64 {
        let secs = self.limit.as_secs() + u64::from(self.limit.subsec_nanos() > 0);
        secs.max(1)
    }

    /// The mpirun command that runs `program args..` on [`Launch::ranks`] ranks, and one plain
    /// sentence per flag it added, saying why.
    pub fn command(&self, program: &Path, args: &[String]) -> (Command, Vec<String>) {
        self.command_on(Host::this(), program, args)
    }

    fn command_on(&self, host: Host, program: &Path, args: &[String]) -> (Command, Vec<String>) {
        let mut cmd = Command::new(mpirun().unwrap_or_else(|| "mpirun".into()));
        let mut why = Vec::new();
        if host.root {
            cmd.arg("--allow-run-as-root");
            why.push(
                "running as root, so --allow-run-as-root (mpirun refuses root otherwise)".into(),
            );
        }
        if self.ranks as usize > host.cores {
            cmd.arg("--oversubscribe");
            why.push(format!(
                "{} ranks on {} cores, so --oversubscribe (mpirun refuses more ranks than cores \
                 otherwise)",
                self.ranks, host.cores
            ));
        }
        let secs = self.timeout_secs();
        cmd.args(["--timeout", &secs.to_string()]);
        why.push(format!(
            "--timeout {secs}: mpirun stops the job after {secs} s (a rank that hangs), and the \
             launcher stops mpirun {} s later if it hangs itself",
            MARGIN.as_secs()
        ));
        cmd.args(self.transport.flags());
        why.push(format!(
            "{}: {}",
            self.transport.flags().join(" "),
            self.transport.why()
        ));
        cmd.args(["-np", &self.ranks.to_string()])
            .arg(program)
            .args(args);
        (cmd, why)
    }
}

/// Runs `program args..` on `job.ranks` ranks through [`Launch::command`], capturing its
/// output. Returns how it finished when every rank exited 0; otherwise the rank that failed and
/// why. Either way, before it returns, mpirun and every rank are gone and the run's scratch
/// folder is removed.
pub fn launch(job: &Launch, program: &Path, args: &[String]) -> Result<Finished, MpiError> {
    if mpirun().is_none() {
        return Err(MpiError::NotInstalled);
    }
    let scratch = Scratch::new().map_err(MpiError::Scratch)?;
    let (mut cmd, _) = job.command(program, args);
    let dir = scratch.path().as_os_str();
    // OpenMPI's session folder and vader's segments, both in the folder removed below.
    cmd.env("OMPI_MCA_orte_tmpdir_base", dir)
        .env("OMPI_MCA_btl_vader_backing_directory", dir)
        .env(RUN_ENV, dir);
    let limit = Duration::from_secs(job.timeout_secs()) + MARGIN;
    let ran = crate::run(&mut cmd, limit, Output::Capture);
    kill_marked(&scratch.path().to_string_lossy());
    match ran {
        Ok(done) if done.status.success() => Ok(done),
        Ok(done) => Err(MpiError::from_output(
            job,
            &done.combined(),
            &done.status.to_string(),
            false,
        )),
        Err(RunError::TimedOut { stdout, stderr, .. }) => Err(MpiError::from_output(
            job,
            &format!("{stdout}{stderr}"),
            "stopped by the launcher",
            true,
        )),
        Err(other) => Err(MpiError::Run(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(ranks: u32, transport: Transport) -> Launch {
        Launch {
            ranks,
            transport,
            limit: Duration::from_millis(9_500),
        }
    }

    fn args_of(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn root_and_oversubscribe_are_added_only_when_needed_each_with_why() {
        let prog = Path::new("/bin/prog");
        let user = Host {
            root: false,
            cores: 4,
        };
        let (cmd, why) = job(4, Transport::SharedMemory).command_on(user, prog, &["x".into()]);
        assert_eq!(
            args_of(&cmd),
            [
                "--timeout",
                "10",
                "--mca",
                "btl",
                "self,vader",
                "-np",
                "4",
                "/bin/prog",
                "x"
            ]
        );
        assert_eq!(why.len(), 2, "{why:?}");
        let root = Host {
            root: true,
            cores: 2,
        };
        let (cmd, why) = job(4, Transport::Tcp).command_on(root, prog, &[]);
        let args = args_of(&cmd);
        assert_eq!(args[..2], ["--allow-run-as-root", "--oversubscribe"]);
        assert!(args.ends_with(&["-np".into(), "4".into(), "/bin/prog".into()]));
        assert!(
            why[0].starts_with("running as root, so --allow-run-as-root"),
            "{why:?}"
        );
        assert!(
            why[1].starts_with("4 ranks on 2 cores, so --oversubscribe"),
            "{why:?}"
        );
        assert!(
            why[3].starts_with("--mca btl tcp,self --mca btl_tcp_if_include lo: "),
            "{why:?}"
        );
    }

    #[test]
    fn copied_shared_memory_turns_the_kernels_single_copy_off_and_says_so() {
        let user = Host {
            root: false,
            cores: 2,
        };
        let (cmd, why) =
            job(2, Transport::SharedMemoryCopied).command_on(user, Path::new("/bin/prog"), &[]);
        let args = args_of(&cmd).join(" ");
        assert!(
            args.contains("--mca btl self,vader --mca btl_vader_single_copy_mechanism none"),
            "{args}"
        );
        assert!(
            why.iter()
                .any(|w| w.contains("instead of the kernel's single copy (CMA)")),
            "{why:?}"
        );
    }

    #[test]
    fn the_timeout_is_whole_seconds_rounded_up_and_at_least_one() {
        let mut j = job(2, Transport::SharedMemory);
        assert_eq!(j.timeout_secs(), 10);
        j.limit = Duration::from_secs(7);
        assert_eq!(j.timeout_secs(), 7);
        j.limit = Duration::ZERO;
        assert_eq!(j.timeout_secs(), 1);
    }
}
