//! `cargo lab demo`: live counter demo (issue 3 and 4 fill this).

use clap::Args;

/// Options for `cargo lab demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo.
pub fn run(_args: &DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("the demo arrives with the kernel crates")
}
