//! `lab-worker`: one worker process of the `isolated` pool. It reads request frames on stdin
//! and writes reply frames on stdout (see the crate README for the protocol), calling the C
//! library with this process's own copy of its globals. It is started by the pool, not by hand.

#![forbid(unsafe_code)]

fn main() {
    std::process::exit(isolated::worker::main_stdio());
}
