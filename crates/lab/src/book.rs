//! `cargo lab book [serve|open|build|check]`: the book in `mdbook/`.
//!
//! - `serve` (the default, and the reader's command) builds the book and serves it at
//!   <http://localhost:3000>, rebuilding on every change;
//! - `open` builds it and opens it in your browser;
//! - `build` writes it to `mdbook/book/`;
//! - `check` is what CI runs: it fails on a missing include or anchor, a pasted code block, a
//!   bad claims-ledger row, a dead internal link or image, and anything a real browser (headless
//!   Chromium) sees wrong on any chapter. It saves screenshots of two chapters to
//!   `mdbook/screenshots/` for review.

pub mod browser;
pub mod html;
pub mod ledger;
pub mod source;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use crate::proc::{self, Output};
use source::Problem;

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
    /// Build, then check includes, anchors, pasted code, the claims ledger, links, images,
    /// and every chapter in headless Chromium (what CI runs).
    Check,
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
    /// Another checkout to work on (default: this workspace). For trying the checks on a copy.
    #[arg(long, hide = true)]
    pub root: Option<PathBuf>,
}

/// Builds, checks, serves or opens the book.
pub fn run(args: &BookArgs) -> anyhow::Result<()> {
    let root = args.root.clone().unwrap_or_else(crate::workspace_root);
    let book = Book::at(&root);
    match args.action {
        Action::Build => {
            let (mdbook, _) = mdbook_or_install()?;
            book.build(&mdbook)?;
            println!("book: written to {}", book.out.join("index.html").display());
            Ok(())
        }
        Action::Check => book.check(),
        Action::Serve => {
            let (mdbook, _) = mdbook_or_install()?;
            book.missing_chapters_error()?;
            println!(
                "book: serving at http://localhost:{} (rebuilds when a file changes; Ctrl-C stops)",
                args.port
            );
            // Not proc::run: a server runs until the reader stops it, and it must stay in our
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
            let done = proc::run(&mut cmd, Duration::from_secs(300), Output::Inherit)?;
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
fn mdbook_or_install() -> anyhow::Result<(PathBuf, String)> {
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
    let done = proc::run(&mut cmd, Duration::from_secs(45 * 60), Output::Inherit)
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
fn require_mdbook() -> anyhow::Result<(PathBuf, String)> {
    for mdbook in mdbook_candidates() {
        let mut cmd = Command::new(&mdbook);
        cmd.arg("--version");
        if let Ok(done) = proc::run(&mut cmd, Duration::from_secs(30), Output::Capture)
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
struct Book {
    root: PathBuf,
    dir: PathBuf,
    src: PathBuf,
    out: PathBuf,
}

impl Book {
    fn at(root: &Path) -> Self {
        let dir = root.join("mdbook");
        Book {
            root: root.to_path_buf(),
            src: dir.join("src"),
            out: dir.join("book"),
            dir,
        }
    }

    /// Chapter files named in SUMMARY.md, in reading order (relative to `src`).
    fn chapters(&self) -> anyhow::Result<Vec<String>> {
        let summary = fs::read_to_string(self.src.join("SUMMARY.md"))
            .context("cannot read mdbook/src/SUMMARY.md")?;
        Ok(summary_chapters(&summary))
    }

    fn missing_chapters(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .chapters()?
            .into_iter()
            .filter(|c| !self.src.join(c).is_file())
            .collect())
    }

    fn missing_chapters_error(&self) -> anyhow::Result<()> {
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
    fn build(&self, mdbook: &Path) -> anyhow::Result<String> {
        self.missing_chapters_error()?;
        let mut cmd = Command::new(mdbook);
        cmd.arg("build").arg(&self.dir);
        let done = proc::run(&mut cmd, Duration::from_secs(300), Output::Capture)?;
        let log = done.combined();
        if !done.status.success() {
            bail!("mdbook build failed ({}):\n{log}", done.status);
        }
        Ok(log)
    }

    fn check(&self) -> anyhow::Result<()> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut note = |step: &str, found: Vec<Problem>| {
            println!(
                "book check: {step}: {}",
                if found.is_empty() {
                    "ok".to_string()
                } else {
                    format!("{} problem(s)", found.len())
                }
            );
            problems.extend(found);
        };

        let missing = self.missing_chapters()?;
        note(
            "chapters listed in SUMMARY.md exist",
            missing
                .iter()
                .map(|c| Problem {
                    place: "SUMMARY.md".into(),
                    message: format!("chapter {c} does not exist"),
                })
                .collect(),
        );
        note(
            "includes and named anchors resolve",
            source::check_includes(&self.src),
        );
        note(
            "no pasted code blocks",
            source::check_no_pasted_code(&self.src),
        );
        let (rows, ledger_problems) = ledger::check(&self.root, &self.src);
        note(
            &format!("claims ledger ({} rows)", rows.len()),
            ledger_problems,
        );

        let (mdbook, version) = require_mdbook()?;
        if !missing.is_empty() {
            report(&problems);
            bail!(
                "the book cannot be built while chapters are missing ({} problem(s) above)",
                problems.len()
            );
        }
        let log = self.build(&mdbook)?;
        println!("book check: built with {version}");
        note(
            "mdbook reported no errors or warnings",
            log.lines()
                .filter(|l| l.contains("ERROR") || l.contains("WARN"))
                .map(|l| Problem {
                    place: "mdbook build".into(),
                    message: l.trim().to_string(),
                })
                .collect(),
        );

        // Internal links and images in the built HTML files, as written.
        let mut site = html::Site::new(&self.out);
        let mut static_problems = Vec::new();
        for page in site.pages() {
            if page == "print.html" || page == "404.html" {
                continue; // print.html rewrites links into itself; 404.html uses site-absolute URLs
            }
            let text = fs::read_to_string(self.out.join(&page)).unwrap_or_default();
            for message in site.check_page(&page, &text) {
                static_problems.push(Problem {
                    place: page.clone(),
                    message,
                });
            }
        }
        note("links and images in the built HTML", static_problems);

        // The real browser.
        let chapters = self.chapters()?;
        note(
            &format!("{} chapters rendered in headless Chromium", chapters.len()),
            self.browser_check(&mut site, &chapters)?,
        );

        dedup(&mut problems);
        report(&problems);
        if !problems.is_empty() {
            bail!("the book check found {} problem(s)", problems.len());
        }
        println!("book check: all checks passed");
        Ok(())
    }

    fn browser_check(
        &self,
        site: &mut html::Site,
        chapters: &[String],
    ) -> anyhow::Result<Vec<Problem>> {
        let Some(exe) = browser::find_chromium() else {
            bail!(
                "chromium is not installed (the book check loads every chapter in it). \
                 Run `bash .ci/install-tools` (installs mdbook {MDBOOK_VERSION} and chromium)"
            );
        };
        let chrome = browser::Browser::new(exe);
        let server = browser::Server::start(&self.out).context("cannot start a local server")?;
        let mut problems = Vec::new();
        let mut pages: Vec<(String, Option<usize>)> = chapters
            .iter()
            .map(|c| {
                (
                    html_name(c),
                    Some(source::rendered_fence_count(&self.src.join(c))),
                )
            })
            .collect();
        pages.push(("index.html".into(), None));
        for (page, expected) in &pages {
            server.take_log();
            // One retry: on a loaded machine Chromium itself occasionally fails to start.
            let dom = match chrome.dump_dom(&server.url(page)).or_else(|_| {
                server.take_log();
                chrome.dump_dom(&server.url(page))
            }) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(Problem {
                        place: page.clone(),
                        message: format!("{e:#}"),
                    });
                    continue;
                }
            };
            let requests = server.take_log();
            for message in browser::check_rendered(site, page, &dom, &requests, *expected) {
                problems.push(Problem {
                    place: format!("{page} (in Chromium)"),
                    message,
                });
            }
        }

        let shots = self.dir.join("screenshots");
        fs::create_dir_all(&shots).context("cannot create mdbook/screenshots")?;
        for page in screenshot_pages(chapters, &self.src) {
            let png = shots.join(page.replace('/', "_").replace(".html", ".png"));
            chrome.screenshot(&server.url(&page), &png)?;
            println!("book check: screenshot {}", png.display());
        }
        Ok(problems)
    }
}

/// The two chapters worth a look: the data-race lesson (or the C library chapter until it
/// exists) and the myth-versus-measurement chapter.
fn screenshot_pages(chapters: &[String], src: &Path) -> Vec<String> {
    let pick = |preferred: &[&str]| {
        preferred
            .iter()
            .find(|c| chapters.iter().any(|x| x == *c) && src.join(c).is_file())
            .map(|c| html_name(c))
    };
    [
        pick(&["lessons/02-data-race.md", "c-library.md"]),
        pick(&["myth-versus-measurement.md", "introduction.md"]),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn html_name(chapter: &str) -> String {
    format!("{}.html", chapter.trim_end_matches(".md"))
}

/// The `.md` targets of the links in SUMMARY.md, in order.
pub fn summary_chapters(summary: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in summary.lines() {
        for (at, _) in line.match_indices("](") {
            let rest = &line[at + 2..];
            if let Some(end) = rest.find(')') {
                let target = rest[..end].trim();
                if target.ends_with(".md") {
                    out.push(target.to_string());
                }
            }
        }
    }
    out
}

/// Drops repeats: the same message for the same page, whether found in the built HTML or in
/// the browser (mdbook renders each image twice, once as a zoomable copy).
fn dedup(problems: &mut Vec<Problem>) {
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| {
        let page = p.place.trim_end_matches(" (in Chromium)").to_string();
        seen.insert((page, p.message.clone()))
    });
}

fn report(problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    eprintln!("\nbook check: {} problem(s):", problems.len());
    for p in problems {
        eprintln!("  - {p}");
    }
}

/// A fresh directory under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/lab-<label>-<pid>-<n>`.
    pub fn new(label: &str) -> std::io::Result<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("lab-{label}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
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
        assert_eq!(lessons.len(), 7, "{lessons:?}");
    }
}
