//! The processes half of `cargo lab demo` (issue 4 fills this): threads against processes.

/// Prints the threads-against-processes comparison.
pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("the process demo arrives with the isolated crate")
}
