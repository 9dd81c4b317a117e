//! `cargo lab bench` (issue 7 fills this).

use clap::Args;

/// Options for `cargo lab bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Short runs: checks every figure is produced, for CI.
    #[arg(long)]
    pub quick: bool,
}

/// Runs the benchmark suite.
pub fn run(_args: &BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("the benchmark suite arrives with issue 7")
}
