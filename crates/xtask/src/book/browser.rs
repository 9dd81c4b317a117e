//! The real-browser check: headless Chromium loads every chapter from the local
//! [`server`](super::server), and what it saw is checked.
//!
//! The server records every request the browser makes while it renders a page, so a missing
//! image, stylesheet or script is *observed* (a 404), not guessed. Chromium's `--dump-dom`
//! prints the DOM after the page's load event (images loaded, `toc.js` has built the sidebar),
//! and that DOM, parsed like any page, is checked for unexpanded include directives, empty
//! listings, dead links and images that were not served.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::Duration;

use scraper::{Html, Selector};

use super::html::{self, Site};
use super::server::Request;
use supervisor::Output;

/// Where Chromium is: `chromium` on the PATH or Debian's `/usr/bin/chromium`.
pub fn find_chromium() -> Option<PathBuf> {
    let candidates = ["chromium", "chromium-browser"];
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        for c in candidates {
            let p = dir.join(c);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    debian.is_file().then_some(debian)
}

/// A headless Chromium with a fresh profile for each run.
#[derive(Debug)]
pub struct Browser {
    exe: PathBuf,
}

const LIMIT: Duration = Duration::from_secs(90);

/// A fresh, empty Chromium profile, removed when dropped.
fn profile_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("lab-chromium-profile-")
        .tempdir()
}

impl Browser {
    /// Uses the Chromium at `exe`.
    pub fn new(exe: PathBuf) -> Self {
        Browser { exe }
    }

    fn command(&self, profile: &Path) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            "--hide-scrollbars",
        ]);
        cmd.arg(format!("--user-data-dir={}", profile.display()));
        cmd
    }

    /// Loads `url` in a window `width` px wide and returns the DOM after the load event.
    /// Chromium lays out no window narrower than
    /// [`NARROWEST_WINDOW`](super::layout::NARROWEST_WINDOW): the layout check frames narrower
    /// widths.
    ///
    /// A virtual-time budget makes Chromium print the DOM only after the page's own timers and
    /// promises have run (the layout script waits for the web fonts); virtual time runs ahead
    /// when the page is idle, so this costs no real seconds.
    pub fn dump_dom(&self, url: &str, width: u32) -> anyhow::Result<String> {
        let profile = profile_dir()?;
        let mut cmd = self.command(profile.path());
        cmd.arg(format!("--window-size={width},900"))
            .arg("--virtual-time-budget=10000")
            .args(["--dump-dom", url]);
        let done = supervisor::run(&mut cmd, LIMIT, Output::Capture)?;
        if !done.status.success() || !done.stdout.contains("<html") {
            anyhow::bail!(
                "chromium could not render {url} ({}): {}",
                done.status,
                last_lines(&done.stderr, 5)
            );
        }
        Ok(done.stdout)
    }

    /// Saves a PNG screenshot of `url`, in a window `width` px wide, to `png`.
    pub fn screenshot(&self, url: &str, width: u32, png: &Path) -> anyhow::Result<()> {
        let profile = profile_dir()?;
        let mut cmd = self.command(profile.path());
        cmd.arg(format!("--screenshot={}", png.display()))
            .arg(format!("--window-size={width},2200"))
            .arg(url);
        let done = supervisor::run(&mut cmd, LIMIT, Output::Capture)?;
        if !done.status.success() || !png.is_file() {
            anyhow::bail!(
                "chromium could not screenshot {url} ({}): {}",
                done.status,
                last_lines(&done.stderr, 5)
            );
        }
        Ok(())
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// What the browser saw on one page, checked. `expected_listings` is the number of fenced code
/// blocks the page's Markdown has; `requests` what the browser fetched while loading it.
pub fn check_rendered(
    site: &mut Site,
    page: &str,
    dom: &str,
    requests: &[Request],
    expected_listings: Option<usize>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for directive in ["{{#include ", "{{#rustdoc_include "] {
        if dom.contains(directive) {
            problems.push(format!(
                "an unexpanded `{}` directive is visible on the page (missing file?)",
                directive.trim()
            ));
        }
    }
    let doc = Html::parse_document(dom);
    // Listings: each <pre> must hold some code (a missing anchor renders as an empty block).
    let mut listings = 0;
    for pre in doc.select(&PRE) {
        listings += 1;
        if pre.text().collect::<String>().trim().is_empty() {
            problems.push(format!(
                "listing {listings} is empty (an anchor that includes nothing?)"
            ));
        }
    }
    if let Some(expected) = expected_listings
        && listings != expected
    {
        problems.push(format!(
            "{listings} code blocks rendered but the Markdown has {expected} fenced blocks \
             (an indented code block is pasted code too)"
        ));
    }
    let served: HashMap<&str, u16> = requests.iter().map(|(p, s)| (p.as_str(), *s)).collect();
    for (path, status) in requests {
        if *status != 200 && path != "/favicon.ico" {
            problems.push(format!("the browser requested `{path}`: {status}"));
        }
    }
    for src in html::img_srcs(&doc) {
        if src.is_empty() || html::is_external(&src) {
            continue; // reported by check_page
        }
        if let Some((rel, _)) = html::resolve(page, &src)
            && served.get(format!("/{rel}").as_str()) != Some(&200)
        {
            problems.push(format!("image `{src}` was not loaded by the browser"));
        }
    }
    problems.extend(site.check_page(page, &doc));
    problems
}

static PRE: LazyLock<Selector> = LazyLock::new(|| html::selector("pre"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_pages_with_empty_listings_or_failed_requests_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut site = Site::new(dir.path());
        let dom = "<html><pre><code class=\"language-rust\"></code></pre>\
                   <p>{{#include ../x.rs:y}}</p><img src=\"a.svg\"></html>";
        let requests = vec![("/a.svg".to_string(), 404)];
        let problems = check_rendered(&mut site, "ch.html", dom, &requests, Some(2));
        let all = problems.join("\n");
        assert!(all.contains("unexpanded `{{#include` directive"), "{all}");
        assert!(all.contains("listing 1 is empty"), "{all}");
        assert!(
            all.contains("1 code blocks rendered but the Markdown has 2"),
            "{all}"
        );
        assert!(all.contains("requested `/a.svg`: 404"), "{all}");
        assert!(all.contains("image `a.svg` was not loaded"), "{all}");
        assert!(all.contains("broken image `a.svg`"), "{all}");
    }

    #[test]
    fn a_page_that_rendered_everything_it_asked_for_has_no_problems() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.svg"), "<svg/>").unwrap();
        let mut site = Site::new(dir.path());
        // Markup inside a script is not a listing or an image.
        let dom = "<html><body><pre><code>fn <b>f</b>() {}</code></pre><img src=\"a.svg\">\
                   <script>document.write('<pre></pre><img src=\"x.svg\">');</script></body></html>";
        let requests = vec![("/ch.html".to_string(), 200), ("/a.svg".to_string(), 200)];
        let problems = check_rendered(&mut site, "ch.html", dom, &requests, Some(1));
        assert_eq!(problems, Vec::<String>::new());
    }
}
