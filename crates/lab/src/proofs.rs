//! `cargo lab loom` and `cargo lab tsan` (issue 3 fills these).

use clap::Args;

/// Options for `cargo lab loom`.
#[derive(Debug, Args)]
pub struct LoomArgs {}

/// Options for `cargo lab tsan`.
#[derive(Debug, Args)]
pub struct TsanArgs {}

/// Runs every loom model.
pub fn loom(_args: &LoomArgs) -> anyhow::Result<()> {
    anyhow::bail!("the loom models arrive with the kernel crates")
}

/// Runs ThreadSanitizer.
pub fn tsan(_args: &TsanArgs) -> anyhow::Result<()> {
    anyhow::bail!("the TSan runs arrive with the kernel crates")
}
