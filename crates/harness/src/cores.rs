//! Pinning threads to cores, written once: the harness's own threads ([`crate::on_threads`]) and
//! the benchmark suite's thread pools (`crates/xtask/src/bench/sampling.rs`) both use it.
//!
//! Worker `i` goes to core `i % cores`, round-robin over the cores this thread may run on, so on
//! a 2-core machine two workers really run at the same moment, on different cores. Where the OS
//! does not say which cores there are, nothing is pinned ([`core_for`] is `None`).
//!
//! "The cores this thread may run on" is the calling thread's affinity mask (Linux): ask on a
//! thread that is not pinned yet, such as a freshly spawned one (it inherits its parent's mask).
//! A thread already pinned sees only its own core.

/// One core of the machine, as `core_affinity` names it.
pub use core_affinity::CoreId;

/// The core for worker `i`: core `i % cores`, over the cores the calling thread may run on.
/// `None` when the OS does not tell us (then threads are left unpinned).
pub fn core_for(i: usize) -> Option<CoreId> {
    let ids = core_affinity::get_core_ids()?;
    if ids.is_empty() {
        return None;
    }
    Some(ids[i % ids.len()])
}

/// Pins the calling thread to core `i % cores` (see [`core_for`]); returns whether it worked.
pub fn pin_to_core(i: usize) -> bool {
    core_for(i).is_some_and(core_affinity::set_for_current)
}

/// Pins another process to `core`: the thread `pid` names, which for a single-threaded
/// process (a pool's worker) is all of it. Returns whether it worked. The benchmark uses it to
/// put a worker on a core of its choosing, since a child inherits its parent thread's mask.
pub fn pin_process(pid: u32, core: CoreId) -> bool {
    #[cfg(target_os = "linux")]
    {
        let mut set = nix::sched::CpuSet::new();
        let Ok(pid) = i32::try_from(pid) else {
            return false;
        };
        set.set(core.id).is_ok()
            && nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(pid), &set).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (pid, core);
        false
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn worker_cores_go_round_robin() {
        // Asked from a fresh thread, which is not pinned yet (the test runner's may be).
        std::thread::spawn(|| {
            let Some(cores) = core_affinity::get_core_ids().filter(|c| !c.is_empty()) else {
                return; // the OS does not say: nothing to pin, nothing to check
            };
            let n = cores.len();
            for i in 0..2 * n {
                assert_eq!(core_for(i).map(|c| c.id), Some(cores[i % n].id));
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_child_process_can_be_pinned_to_a_core() {
        let Some(core) = core_for(1) else {
            return; // the OS does not say which cores there are
        };
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pinned = pin_process(child.id(), core);
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(pinned, "sched_setaffinity on our own child works");
        let allowed = status
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .map(str::trim);
        assert_eq!(allowed, Some(core.id.to_string().as_str()), "{status}");
    }

    #[test]
    #[cfg(target_os = "linux")] // the affinity mask semantics of the module doc
    fn a_pinned_thread_runs_on_its_core() {
        std::thread::spawn(|| {
            let Some(core) = core_for(1) else {
                return;
            };
            if pin_to_core(1) {
                assert_eq!(
                    core_for(0).map(|c| c.id),
                    Some(core.id),
                    "pinned to one core"
                );
            }
        })
        .join()
        .unwrap();
    }
}
