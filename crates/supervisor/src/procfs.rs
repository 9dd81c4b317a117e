//! Reading Linux's `/proc`: which processes exist, who their parents are, which process group
//! they are in and when they started. [`crate::child`] uses it to tell when a process group is
//! empty and to find orphans it adopted; the tests and `cargo xtask test-all`'s leftovers step
//! use it to prove that nothing is left behind.

use std::path::PathBuf;

/// One line of `/proc/<pid>/stat`, the fields the lab needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// The process id.
    pub pid: i32,
    /// The command name (`comm`, at most 15 bytes: the executable's name, cut).
    pub comm: String,
    /// The state letter: `R`, `S`, `D`, `T`, `Z` (exited, not yet reaped), `X` (dead), ...
    pub state: char,
    /// The parent's process id.
    pub ppid: i32,
    /// The process group.
    pub pgrp: i32,
    /// When it started, in clock ticks since boot (field 22).
    pub start_ticks: u64,
    /// CPU time it has used, all its threads, user and system, in clock ticks (fields 14 and
    /// 15): the unit of `/proc/stat`, so the two compare without knowing the tick rate.
    pub cpu_ticks: u64,
}

impl Stat {
    /// True unless it has exited: a zombie (`Z`) or a dead (`X`) process runs no code and
    /// holds no file open; only its parent's `wait` is missing.
    pub fn is_running(&self) -> bool {
        !matches!(self.state, 'Z' | 'X')
    }

    /// The executable it runs (`/proc/<pid>/exe`), when we may read it (not for zombies).
    pub fn exe(&self) -> Option<PathBuf> {
        std::fs::read_link(format!("/proc/{}/exe", self.pid)).ok()
    }

    /// Whether it is a test binary that cargo built: its executable sits in a `deps/` folder of
    /// a target directory.
    pub fn is_test_binary(&self) -> bool {
        self.exe()
            .is_some_and(|exe| exe.parent().is_some_and(|d| d.ends_with("deps")))
    }

    /// Its command line, split at the NUL bytes.
    pub fn cmdline(&self) -> Vec<String> {
        std::fs::read(format!("/proc/{}/cmdline", self.pid))
            .map(|bytes| {
                bytes
                    .split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Parses the text of `/proc/<pid>/stat`. The command name is in parentheses and may itself
/// contain spaces and parentheses, so the fields after it are found from the last `)`.
pub fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let pid = text[..open].trim().parse().ok()?;
    let comm = text.get(open + 1..close)?.to_string();
    let rest: Vec<&str> = text[close + 1..].split_whitespace().collect();
    Some(Stat {
        pid,
        comm,
        state: rest.first()?.chars().next()?,
        ppid: rest.get(1)?.parse().ok()?,
        pgrp: rest.get(2)?.parse().ok()?,
        // Field 22 of the line; `rest` starts at field 3 (the state).
        start_ticks: rest.get(19)?.parse().ok()?,
        cpu_ticks: rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?,
    })
}

/// The process `pid`, or `None` when it no longer exists at all (reaped).
pub fn stat(pid: i32) -> Option<Stat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Every process on the machine that `/proc` shows us (one that ends while we read is skipped).
pub fn all() -> Vec<Stat> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(stat)
        .collect()
}

/// Every running descendant of `root` (children, their children, ...), as `/proc` shows them
/// now. A descendant whose parent died was handed to init or a subreaper and is no longer found.
pub fn descendants(root: i32) -> Vec<Stat> {
    let all = all();
    let mut family = std::collections::BTreeSet::from([root]);
    let mut found: Vec<Stat> = Vec::new();
    loop {
        let more: Vec<Stat> = all
            .iter()
            .filter(|p| family.contains(&p.ppid) && !family.contains(&p.pid))
            .cloned()
            .collect();
        if more.is_empty() {
            return found.into_iter().filter(Stat::is_running).collect();
        }
        family.extend(more.iter().map(|p| p.pid));
        found.extend(more);
    }
}

/// The processes of `seen` that still run, and every running process of their process groups
/// but our own: what a run left behind, for the tests that prove nothing is.
pub fn still_running(seen: &[Stat]) -> Vec<Stat> {
    let ours = nix::unistd::getpgrp().as_raw();
    let groups: std::collections::BTreeSet<i32> =
        seen.iter().map(|p| p.pgrp).filter(|g| *g != ours).collect();
    let pids: std::collections::BTreeSet<i32> = seen.iter().map(|p| p.pid).collect();
    all()
        .into_iter()
        .filter(|p| p.is_running())
        .filter(|p| pids.contains(&p.pid) || groups.contains(&p.pgrp))
        .collect()
}

/// True while any process of group `pgrp` still runs (zombies do not count).
pub fn group_is_running(pgrp: i32) -> bool {
    all().iter().any(|p| p.pgrp == pgrp && p.is_running())
}

/// True while `pid` exists and has not exited (a zombie has exited).
pub fn is_running(pid: i32) -> bool {
    stat(pid).is_some_and(|p| p.is_running())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_is_read_even_with_parentheses_in_the_name() {
        let line = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 90 0 0 0 7 5 0 0 20 0 1 0 \
                    123456 1 2 3\n";
        let got = parse_stat(line).unwrap();
        assert_eq!(got.pid, 4242);
        assert_eq!(got.comm, "a (b) c");
        assert_eq!(got.state, 'S');
        assert_eq!((got.ppid, got.pgrp), (1, 4242));
        assert_eq!(got.start_ticks, 123_456);
        assert_eq!(got.cpu_ticks, 7 + 5, "utime + stime");
        assert!(got.is_running());
        assert!(!Stat { state: 'Z', ..got }.is_running());
    }

    #[test]
    fn this_process_is_found_with_its_parent() {
        let me = stat(std::process::id() as i32).expect("we are in /proc");
        assert_eq!(me.ppid as u32, std::os::unix::process::parent_id());
        assert!(me.is_running());
        assert!(all().iter().any(|p| p.pid == me.pid));
        assert_eq!(me.exe(), std::env::current_exe().ok());
    }
}
