//! The real-browser check: headless Chromium loads every chapter from a tiny local HTTP server.
//!
//! The server records every request the browser makes while it renders a page, so a missing
//! image, stylesheet or script is *observed* (a 404), not guessed. Chromium's `--dump-dom`
//! prints the DOM after the page's load event (images loaded, `toc.js` has built the sidebar),
//! and that DOM is checked for unexpanded include directives, empty listings, dead links and
//! images that were not served.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::TempDir;
use super::html::{self, Site};
use lab::proc::{self, Output};

/// One request the browser made: the path and the status the server answered.
pub type Request = (String, u16);

/// A static-file HTTP server on 127.0.0.1 that logs every request.
#[derive(Debug)]
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Serves the files under `root` on a free port.
    pub fn start(root: &Path) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, log2, stop2) = (root.to_path_buf(), Arc::clone(&log), Arc::clone(&stop));
        let accept = thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::Acquire) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let (root, log) = (root.clone(), Arc::clone(&log2));
                thread::spawn(move || serve_one(stream, &root, &log));
            }
        });
        Ok(Server {
            port,
            log,
            stop,
            accept: Some(accept),
        })
    }

    /// The URL of `page` (relative to the served root).
    pub fn url(&self, page: &str) -> String {
        format!("http://127.0.0.1:{}/{page}", self.port)
    }

    /// Takes the requests logged so far.
    pub fn take_log(&self) -> Vec<Request> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the blocking accept so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

/// Answers one request (GET only, `Connection: close`), logging it *before* the response is
/// sent, so the log is complete by the time the browser has what it asked for.
fn serve_one(stream: TcpStream, root: &Path, log: &Mutex<Vec<Request>>) -> Option<()> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let file = html::resolve("index.html", &path).map(|(rel, _)| root.join(rel));
    let (status, body, ctype) = match file {
        Some(f) if method == "GET" && f.is_file() => match std::fs::read(&f) {
            Ok(bytes) => (200, bytes, content_type(&f)),
            Err(_) => (500, b"read error".to_vec(), "text/plain"),
        },
        _ => (404, b"not found".to_vec(), "text/plain"),
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((path, status));
    let mut out = stream;
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&body);
    Some(())
}

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

    /// Loads `url` and returns the DOM after the load event.
    pub fn dump_dom(&self, url: &str) -> anyhow::Result<String> {
        let profile = TempDir::new("chromium-profile")?;
        let mut cmd = self.command(profile.path());
        cmd.args(["--dump-dom", url]);
        let done = proc::run(&mut cmd, LIMIT, Output::Capture)?;
        if !done.status.success() || !done.stdout.contains("<html") {
            anyhow::bail!(
                "chromium could not render {url} ({}): {}",
                done.status,
                last_lines(&done.stderr, 5)
            );
        }
        Ok(done.stdout)
    }

    /// Saves a PNG screenshot of `url` to `png`.
    pub fn screenshot(&self, url: &str, png: &Path) -> anyhow::Result<()> {
        let profile = TempDir::new("chromium-profile")?;
        let mut cmd = self.command(profile.path());
        cmd.arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=1280,2200")
            .arg(url);
        let done = proc::run(&mut cmd, LIMIT, Output::Capture)?;
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
    // Listings: each <pre> must hold some code (a missing anchor renders as an empty block).
    let mut listings = 0;
    for (at, _) in dom.match_indices("<pre") {
        listings += 1;
        let end = dom[at..].find("</pre>").map_or(dom.len(), |e| at + e);
        if visible_text(&dom[at..end]).trim().is_empty() {
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
    for src in html::img_srcs(dom) {
        if src.is_empty() || html::is_external(&src) {
            continue; // reported by check_page
        }
        if let Some((rel, _)) = html::resolve(page, &src)
            && served.get(format!("/{rel}").as_str()) != Some(&200)
        {
            problems.push(format!("image `{src}` was not loaded by the browser"));
        }
    }
    problems.extend(site.check_page(page, dom));
    problems
}

/// The text of an HTML fragment with tags removed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_serves_files_and_logs_404s() {
        let dir = TempDir::new("server-test").unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>hi</html>").unwrap();
        let server = Server::start(dir.path()).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut body = String::new();
            std::io::Read::read_to_string(&mut s, &mut body).unwrap();
            body
        };
        assert!(get("/").contains("200 OK"));
        assert!(get("/index.html").ends_with("<html>hi</html>"));
        assert!(get("/missing.png").contains("404"));
        // Each request is logged before its response is sent: the log is complete now.
        let mut log = server.take_log();
        log.sort();
        assert_eq!(
            log,
            vec![
                ("/".to_string(), 200),
                ("/index.html".to_string(), 200),
                ("/missing.png".to_string(), 404)
            ]
        );
    }

    #[test]
    fn rendered_pages_with_empty_listings_or_failed_requests_are_reported() {
        let dir = TempDir::new("render-test").unwrap();
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
}
