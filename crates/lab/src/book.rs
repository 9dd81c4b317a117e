//! `cargo lab book` (issue 6 fills this).

use clap::Args;

/// Options for `cargo lab book`.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// `build`, `check` or `serve`.
    pub action: Option<String>,
}

/// Builds, checks or serves the book.
pub fn run(_args: &BookArgs) -> anyhow::Result<()> {
    anyhow::bail!("the book arrives with issue 6")
}
