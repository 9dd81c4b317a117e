//! The lab's real worker process, `crates/isolated`'s worker loop, built as this lesson's own
//! binary so the tests can find it with `env!("CARGO_BIN_EXE_processes-pool-worker")`.

#![forbid(unsafe_code)]

fn main() {
    std::process::exit(isolated::worker::main_stdio());
}
