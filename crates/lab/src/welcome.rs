//! `cargo lab` with no arguments: the welcome. (Issue 5 grows this into the runner's welcome.)

/// Prints the welcome and the article's examples.
pub fn run() -> anyhow::Result<()> {
    println!("The Parallel FFI Lab: calling C from Rust on many threads and processes.\n");
    crate::examples::run()
}
