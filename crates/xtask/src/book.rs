//! `cargo xtask book-check`: what CI runs on the book. It fails on a missing include or anchor,
//! a pasted code block, a bad claims-ledger row, a dead internal link or image, and anything a
//! real browser (headless Chromium) sees wrong on any chapter, at a desktop and a phone width. It
//! saves screenshots of four chapters at both widths to `target/book-check/screenshots/` for
//! review.
//!
//! The checks, in the order they run:
//! - [`source`]: the Markdown sources, before rendering: includes and anchors resolve, no
//!   pasted code blocks; [`student_files`]: no include points at a file a student edits;
//! - [`shape`]: fewer than 1,500 words before lesson 1, lesson listings under 20 lines;
//! - [`pictures`]: every SVG is XML with a viewBox, legible, and shown by a chapter;
//! - [`claims`]: the claims ledger, against the workspace it describes;
//! - [`html`]: the links and images of the built HTML;
//! - [`browser`]: every chapter in headless Chromium, served by the request-logging [`server`];
//! - [`layout`]: the same chapters measured by the browser at 1280 and 400 px: tables fit or
//!   scroll in their own box, no word in a table breaks, images load and fit, figures' text is
//!   large enough to read.

pub mod browser;
pub mod claims;
pub mod html;
pub mod layout;
pub mod pictures;
pub mod server;
pub mod shape;
pub mod source;
pub mod student_files;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use scraper::Html;

use lab::book::{Book, MDBOOK_VERSION, html_name, require_mdbook};

/// One problem found in the book, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (relative to the book's `src/` when it is a chapter) and line, e.g. `a.md:12`.
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Options for `cargo xtask book-check`.
#[derive(Debug, Args)]
pub struct BookCheckArgs {
    /// Another checkout to work on (default: this workspace). For trying the checks on a copy.
    #[arg(long, hide = true)]
    pub root: Option<PathBuf>,
}

/// Builds the book and checks it (see the module docs).
pub fn run(args: &BookCheckArgs) -> anyhow::Result<()> {
    let root = args.root.clone().unwrap_or_else(lab::workspace_root);
    check(&Book::at(&root))
}

fn check(book: &Book) -> anyhow::Result<()> {
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

    let missing = book.missing_chapters()?;
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
        source::check_includes(&book.src),
    );
    note(
        "no include points at a file a student edits",
        match student_files::student_files(&book.root) {
            Ok(files) => student_files::check_no_student_files(&book.src, &files),
            Err(e) => vec![Problem {
                place: lesson_table::TABLE.into(),
                message: format!("cannot read the lesson table: {e}"),
            }],
        },
    );
    note(
        "no pasted code blocks",
        source::check_no_pasted_code(&book.src),
    );
    let (words, words_problems) = shape::check_words_before_lesson_1(&book.root, &book.src);
    note(
        &format!(
            "prose before lesson 1 ({} words, limit {})",
            words.map_or("?".into(), |w| w.to_string()),
            shape::MAX_WORDS_BEFORE_LESSON_1
        ),
        words_problems,
    );
    note(
        &format!(
            "lesson listings under {} lines",
            shape::MAX_LESSON_LISTING_LINES
        ),
        shape::check_lesson_listings(&book.src),
    );
    note(
        "SVG pictures: XML, viewBox, legible text, shown by a chapter",
        pictures::check(&book.src, &book.chapters()?),
    );
    let (rows, claims_problems) = claims::check(&book.root, &book.src);
    note(
        &format!("claims ledger ({} rows)", rows.len()),
        claims_problems,
    );

    let (mdbook, version) = require_mdbook()?;
    if !missing.is_empty() {
        report(&problems);
        bail!(
            "the book cannot be built while chapters are missing ({} problem(s) above)",
            problems.len()
        );
    }
    let log = book.build(&mdbook)?;
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
    let mut site = html::Site::new(&book.out);
    let mut static_problems = Vec::new();
    for page in site.pages() {
        if page == "print.html" || page == "404.html" {
            continue; // print.html rewrites links into itself; 404.html uses site-absolute URLs
        }
        let text = fs::read_to_string(book.out.join(&page)).unwrap_or_default();
        for message in site.check_page(&page, &Html::parse_document(&text)) {
            static_problems.push(Problem {
                place: page.clone(),
                message,
            });
        }
    }
    note("links and images in the built HTML", static_problems);

    // The real browser.
    let chapters = book.chapters()?;
    note(
        &format!("{} chapters rendered in headless Chromium", chapters.len()),
        browser_check(book, &mut site, &chapters)?,
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
    book: &Book,
    site: &mut html::Site,
    chapters: &[String],
) -> anyhow::Result<Vec<Problem>> {
    let Some(exe) = browser::find_chromium() else {
        bail!(
            "chromium is not installed (the book check loads every chapter in it). \
                 Run `bash .ci/install-tools` (installs mdbook {MDBOOK_VERSION} and chromium)"
        );
    };
    let started = std::time::Instant::now();
    let chrome = browser::Browser::new(exe);
    let server = server::Server::start(&book.out, Some(layout::SCRIPT))
        .context("cannot start a local server")?;
    let mut problems = Vec::new();
    let mut pages: Vec<(String, Option<usize>)> = chapters
        .iter()
        .map(|c| {
            (
                html_name(c),
                Some(source::rendered_fence_count(&book.src.join(c))),
            )
        })
        .collect();
    pages.push(("index.html".into(), None));
    let mut words = 0;
    for (page, expected) in &pages {
        for width in layout::WIDTHS {
            // The desktop width loads the page itself, which the other checks read too.
            let framed = width < layout::NARROWEST_WINDOW;
            let window = width.max(layout::NARROWEST_WINDOW);
            let url = server.layout_url(page, width, framed);
            server.take_log();
            // One retry: on a loaded machine Chromium itself occasionally fails to start.
            let dom = match chrome.dump_dom(&url, window).or_else(|_| {
                server.take_log();
                chrome.dump_dom(&url, window)
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
            let mut found = match layout::report_in(&dom) {
                Ok(report) => {
                    words += report.words;
                    for note in layout::notes(&report, width) {
                        println!("book check: note: {page}: {note}");
                    }
                    layout::problems(&report, page, width, &book.out)
                }
                Err(e) => vec![format!("at {width} px: {e:#}")],
            };
            if !framed {
                found.extend(browser::check_rendered(
                    site, page, &dom, &requests, *expected,
                ));
            }
            problems.extend(found.into_iter().map(|message| Problem {
                place: format!("{page} (in Chromium)"),
                message,
            }));
        }
    }
    println!(
        "book check: {} pages at {} px wide, {words} words in table cells measured, in {:.0} s",
        pages.len(),
        layout::WIDTHS.map(|w| w.to_string()).join(" and "),
        started.elapsed().as_secs_f64()
    );

    let shots = book.root.join("target/book-check/screenshots");
    if shots.is_dir() {
        fs::remove_dir_all(&shots).context("cannot empty the screenshots folder")?;
    }
    fs::create_dir_all(&shots).context("cannot create the screenshots folder")?;
    for page in screenshot_pages(chapters, &book.src) {
        for width in layout::WIDTHS {
            let framed = width < layout::NARROWEST_WINDOW;
            let png = shots.join(format!(
                "{}-{width}.png",
                page.replace('/', "_").trim_end_matches(".html")
            ));
            chrome.screenshot(
                &server.layout_url(&page, width, framed),
                width.max(layout::NARROWEST_WINDOW),
                &png,
            )?;
        }
    }
    println!("book check: screenshots in {}", shots.display());
    Ok(problems)
}

/// The chapters worth a look at both widths: the introduction, a lesson, the measurements and
/// the claims ledger (each by its first name that exists, as chapters move).
fn screenshot_pages(chapters: &[String], src: &Path) -> Vec<String> {
    let pick = |preferred: &[&str]| {
        preferred
            .iter()
            .find(|c| chapters.iter().any(|x| x == *c) && src.join(c).is_file())
            .map(|c| html_name(c))
    };
    let first_lesson = chapters
        .iter()
        .find(|c| c.starts_with("lessons/") && src.join(c).is_file())
        .map(|c| html_name(c));
    [
        pick(&["introduction.md"]),
        pick(&["lessons/02-data-race.md"]).or(first_lesson),
        pick(&["measurements.md", "myth-versus-measurement.md"]),
        pick(&["claims.md", "ledger.md"]),
    ]
    .into_iter()
    .flatten()
    .collect()
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
