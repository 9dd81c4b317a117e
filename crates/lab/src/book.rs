//! `cargo lab book [serve|open|build]`: the reader's book in `mdbook/`.
//!
//! - `serve` (the default, and the reader's command) builds the book and serves it at
//!   <http://localhost:3000>, rebuilding on every change;
//! - `open` builds it and opens it in your browser;
//! - `build` writes it to `mdbook/book/`.
//!
//! The maintainers' `cargo xtask book-check` (crate `xtask`) checks what this builds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use supervisor::Output;

/// The mdbook version the book is written for (`.ci/install-tools` installs it).
pub const MDBOOK_VERSION: &str = "0.5.4";

/// What `cargo lab book` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Action {
    /// Build the book and serve it at http://localhost:<port>, rebuilding on change.
    Serve,
    /// Build the book and open it in your browser.
    Open,
    /// Build the book into mdbook/book/.
    Build,
}

/// Options for `cargo lab book`.
#[derive(Debug, Args)]
pub struct BookArgs {
    /// What to do (default: serve).
    #[arg(value_enum, default_value_t = Action::Serve)]
    pub action: Action,
    /// The port for `serve`.
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
}

/// Builds, checks, serves or opens the book.
pub fn run(args: &BookArgs) -> anyhow::Result<()> {
    let book = Book::at(&crate::workspace_root());
    match args.action {
        Action::Build => {
            let (mdbook, _) = mdbook_or_install()?;
            book.build(&mdbook)?;
            println!("book: written to {}", book.out.join("index.html").display());
            Ok(())
        }
        Action::Serve => {
            let (mdbook, _) = mdbook_or_install()?;
            book.missing_chapters_error()?;
            println!(
                "book: serving at http://localhost:{} (rebuilds when a file changes; Ctrl-C stops)",
                args.port
            );
            // Not supervisor::run: a server runs until the reader stops it, and it must stay in our
            // process group so that Ctrl-C reaches it too.
            let status = Command::new(&mdbook)
                .arg("serve")
                .arg(&book.dir)
                .args(["--hostname", "127.0.0.1", "--port"])
                .arg(args.port.to_string())
                .status()
                .context("could not start mdbook serve")?;
            if !status.success() {
                bail!("mdbook serve ended with {status}");
            }
            Ok(())
        }
        Action::Open => {
            let (mdbook, _) = mdbook_or_install()?;
            book.missing_chapters_error()?;
            let mut cmd = Command::new(&mdbook);
            cmd.arg("build").arg("--open").arg(&book.dir);
            let done = supervisor::run(&mut cmd, Duration::from_secs(300), Output::Inherit)?;
            if !done.status.success() {
                bail!("mdbook build --open failed ({})", done.status);
            }
            println!(
                "book: built; if no browser opened, open {}",
                book.out.join("index.html").display()
            );
            Ok(())
        }
    }
}

/// For a reader's commands (build, serve, open): finds mdbook, or installs the pinned version
/// with `cargo install --locked` (once; no root needed), so one command works on a fresh machine.
pub fn mdbook_or_install() -> anyhow::Result<(PathBuf, String)> {
    if let Ok(found) = require_mdbook() {
        return Ok(found);
    }
    eprintln!(
        "book: mdbook is not installed; installing mdbook {MDBOOK_VERSION} with \
         `cargo install --locked` (once, about 5 minutes on 2 cores)"
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION]);
    let done = supervisor::run(&mut cmd, Duration::from_secs(45 * 60), Output::Inherit)
        .context("could not run cargo install mdbook")?;
    if !done.status.success() {
        bail!(
            "cargo install mdbook failed ({}); see its output above",
            done.status
        );
    }
    require_mdbook()
}

/// Where to look for mdbook: on `PATH`, then where `cargo install` puts it.
fn mdbook_candidates() -> Vec<PathBuf> {
    let mut found = vec![PathBuf::from("mdbook")];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = cargo_home {
        found.push(home.join("bin").join("mdbook"));
    }
    found
}

/// Finds mdbook, or explains how to install it. Returns its path and version line.
pub fn require_mdbook() -> anyhow::Result<(PathBuf, String)> {
    for mdbook in mdbook_candidates() {
        let mut cmd = Command::new(&mdbook);
        cmd.arg("--version");
        if let Ok(done) = supervisor::run(&mut cmd, Duration::from_secs(30), Output::Capture)
            && done.status.success()
        {
            let version = done.stdout.trim().to_string();
            if !version.contains(MDBOOK_VERSION) {
                eprintln!(
                    "book: warning: found {version}, the book is checked with mdbook {MDBOOK_VERSION} \
                     (`bash .ci/install-tools` installs it)"
                );
            }
            return Ok((mdbook, version));
        }
    }
    bail!(
        "mdbook is not installed. Run `bash .ci/install-tools` (installs mdbook {MDBOOK_VERSION} \
         and chromium), or just `cargo install mdbook --locked --version {MDBOOK_VERSION}`"
    )
}

/// The book's directories.
#[derive(Debug)]
pub struct Book {
    /// The workspace root.
    pub root: PathBuf,
    /// `mdbook/`.
    pub dir: PathBuf,
    /// `mdbook/src/`.
    pub src: PathBuf,
    /// `mdbook/book/`, the built HTML.
    pub out: PathBuf,
}

impl Book {
    /// The book of the workspace at `root`.
    pub fn at(root: &Path) -> Self {
        let dir = root.join("mdbook");
        Book {
            root: root.to_path_buf(),
            src: dir.join("src"),
            out: dir.join("book"),
            dir,
        }
    }

    /// Chapter files named in SUMMARY.md, in reading order (relative to `src`).
    pub fn chapters(&self) -> anyhow::Result<Vec<String>> {
        let summary = fs::read_to_string(self.src.join("SUMMARY.md"))
            .context("cannot read mdbook/src/SUMMARY.md")?;
        Ok(summary_chapters(&summary))
    }

    /// Chapters named in SUMMARY.md whose file does not exist.
    pub fn missing_chapters(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .chapters()?
            .into_iter()
            .filter(|c| !self.src.join(c).is_file())
            .collect())
    }

    /// Fails when SUMMARY.md names a chapter that does not exist.
    pub fn missing_chapters_error(&self) -> anyhow::Result<()> {
        let missing = self.missing_chapters()?;
        if !missing.is_empty() {
            bail!(
                "SUMMARY.md lists chapters that do not exist yet: {}",
                missing.join(", ")
            );
        }
        Ok(())
    }

    /// `mdbook build`; returns its output. Fails when mdbook fails.
    pub fn build(&self, mdbook: &Path) -> anyhow::Result<String> {
        self.missing_chapters_error()?;
        let mut cmd = Command::new(mdbook);
        cmd.arg("build").arg(&self.dir);
        let done = supervisor::run(&mut cmd, Duration::from_secs(300), Output::Capture)?;
        let log = done.combined();
        if !done.status.success() {
            bail!("mdbook build failed ({}):\n{log}", done.status);
        }
        Ok(log)
    }
}

/// The HTML page mdbook writes for a chapter file.
pub fn html_name(chapter: &str) -> String {
    format!("{}.html", chapter.trim_end_matches(".md"))
}

/// The `.md` targets of the links in SUMMARY.md, in order (draft chapters, `[Draft]()`, have
/// none). SUMMARY.md is Markdown, read by `pulldown-cmark` as mdbook reads it.
pub fn summary_chapters(summary: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(summary)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.ends_with(".md") => {
                Some(dest_url.trim().to_string())
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_chapters_are_read_in_order_and_drafts_skipped() {
        let summary = "# Summary\n\n[Intro](introduction.md)\n\n# Part\n\n- [One](lessons/01-a.md)\n  \
                       - [Draft]()\n- [Two](two.md)\n";
        assert_eq!(
            summary_chapters(summary),
            vec!["introduction.md", "lessons/01-a.md", "two.md"]
        );
    }

    #[test]
    fn summary_links_are_read_as_markdown() {
        // A link split over two lines, one with a title, and brackets in a title are all read;
        // a link in a code span is not a link.
        let summary = "# Summary\n\n- [A long\n  title](a.md)\n- [B](b.md \"B\")\n\
                       - [C [draft]](c.md)\n\nSee `[x](x.md)`.\n";
        assert_eq!(summary_chapters(summary), vec!["a.md", "b.md", "c.md"]);
    }

    #[test]
    fn the_books_summary_lists_every_lesson_in_order() {
        let book = Book::at(&crate::workspace_root());
        let chapters = book.chapters().unwrap();
        let lessons: Vec<&String> = chapters
            .iter()
            .filter(|c| c.starts_with("lessons/"))
            .collect();
        let mut sorted = lessons.clone();
        sorted.sort();
        assert_eq!(lessons, sorted, "lessons appear in numeric order");
        assert_eq!(lessons.len(), lesson_table::all().len(), "{lessons:?}");
    }
}
