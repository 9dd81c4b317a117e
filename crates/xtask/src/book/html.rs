//! Link and image checks over HTML: the built book's files, and the DOM that a real browser
//! rendered. Internal links must lead to a file of the book and, with a `#fragment`, to an
//! element with that id on the target page.
//!
//! The HTML is parsed by `scraper` (html5ever, the HTML5 parsing algorithm browsers use), so
//! entities, quoting and attribute names are read as a browser reads them. What is ours is the
//! book's rules: which URLs stay inside the book, how a URL resolves against the page it is on,
//! and what counts as a target.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use scraper::{Html, Selector};
use walkdir::WalkDir;

/// A CSS selector written into this code (so it parses).
pub(super) fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad built-in selector `{css}`: {e}"))
}

static IMG: LazyLock<Selector> = LazyLock::new(|| selector("img"));
static A_HREF: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
static TARGETS: LazyLock<Selector> = LazyLock::new(|| selector("[id], [name]"));

/// The `src` of every `<img>` element in `doc` (empty for an `<img>` without one).
pub fn img_srcs(doc: &Html) -> Vec<String> {
    doc.select(&IMG)
        .map(|img| img.attr("src").unwrap_or("").to_string())
        .collect()
}

/// The `href` of every `<a>` element in `doc` that has one.
pub fn link_hrefs(doc: &Html) -> Vec<String> {
    doc.select(&A_HREF)
        .filter_map(|a| a.attr("href"))
        .map(str::to_string)
        .collect()
}

/// What a `#fragment` can point at on `doc`: every element's `id`, and every `name`.
pub fn targets(doc: &Html) -> BTreeSet<String> {
    doc.select(&TARGETS)
        .flat_map(|e| [e.attr("id"), e.attr("name")])
        .flatten()
        .map(str::to_string)
        .collect()
}

/// Whether `url` leaves the book (another scheme or host).
pub fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("//")
        || lower.starts_with("mailto:")
        || lower.starts_with("javascript:")
        || lower.starts_with("data:")
        || lower.starts_with("tel:")
}

/// Resolves an internal `url` found on `page` (a path relative to the book's root) to a path
/// relative to the root, plus its fragment. `None` when it climbs out of the book.
pub fn resolve(page: &str, url: &str) -> Option<(String, Option<String>)> {
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Some((page.to_string(), fragment));
    }
    let base: PathBuf = if let Some(abs) = path.strip_prefix('/') {
        PathBuf::from(abs)
    } else {
        Path::new(page).parent().unwrap_or(Path::new("")).join(path)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in base.components() {
        match c {
            Component::Normal(s) => parts.push(percent_decode(&s.to_string_lossy())),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') || joined.is_empty() {
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str("index.html");
    }
    Some((joined, fragment))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The ids defined on each HTML page of a built book, loaded on demand.
#[derive(Debug)]
pub struct Site {
    root: PathBuf,
    ids: HashMap<String, BTreeSet<String>>,
}

impl Site {
    /// A built book at `root` (`mdbook/book`).
    pub fn new(root: &Path) -> Self {
        Site {
            root: root.to_path_buf(),
            ids: HashMap::new(),
        }
    }

    /// Every HTML page of the book, relative to the root, sorted.
    pub fn pages(&self) -> Vec<String> {
        let mut out: Vec<String> = WalkDir::new(&self.root)
            .into_iter()
            .flatten()
            .filter(|e| {
                e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html")
            })
            .filter_map(|e| {
                let rel = e.path().strip_prefix(&self.root).ok()?;
                Some(rel.to_string_lossy().into_owned())
            })
            .collect();
        out.sort();
        out
    }

    /// Whether `rel` (relative to the root) is a file of the built book.
    pub fn has_file(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }

    fn ids_of(&mut self, page: &str) -> &BTreeSet<String> {
        let root = &self.root;
        self.ids.entry(page.to_string()).or_insert_with(|| {
            let html = fs::read_to_string(root.join(page)).unwrap_or_default();
            targets(&Html::parse_document(&html))
        })
    }

    /// Problems with the internal links and images in `doc`, which is `page` (from disk or
    /// as rendered by the browser).
    pub fn check_page(&mut self, page: &str, doc: &Html) -> Vec<String> {
        let mut problems = Vec::new();
        let here = targets(doc);
        for src in img_srcs(doc) {
            if src.is_empty() {
                problems.push("an <img> with no src".to_string());
                continue;
            }
            if is_external(&src) {
                if !src.starts_with("data:") {
                    problems.push(format!("image `{src}` is loaded from outside the book"));
                }
                continue;
            }
            match resolve(page, &src) {
                Some((path, _)) if self.has_file(&path) => {}
                _ => problems.push(format!("broken image `{src}`")),
            }
        }
        for href in link_hrefs(doc) {
            if href.is_empty() || is_external(&href) {
                continue;
            }
            let Some((path, fragment)) = resolve(page, &href) else {
                problems.push(format!("link `{href}` leaves the book"));
                continue;
            };
            if path != page && !self.has_file(&path) {
                problems.push(format!("dead link `{href}` (no {path} in the book)"));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let f = percent_decode(&f);
                let found = if path == page {
                    here.contains(&f)
                } else {
                    path.ends_with(".html") && self.ids_of(&path).contains(&f)
                };
                if !found {
                    problems.push(format!("link `{href}`: no element with id `{f}` on {path}"));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_images_and_links_are_extracted() {
        let html = r#"<a href="a.html#x">A</a><img alt="d" src="images/d.svg"><img data-src="z">
                      <a class="c" href='b/c.html'>B</a><div id="x"></div>"#;
        let doc = Html::parse_document(html);
        assert_eq!(link_hrefs(&doc), vec!["a.html#x", "b/c.html"]);
        assert_eq!(img_srcs(&doc), vec!["images/d.svg", ""]);
        assert_eq!(targets(&doc), BTreeSet::from(["x".to_string()]));
    }

    #[test]
    fn html_is_read_as_a_browser_reads_it() {
        // Entities are decoded, unquoted and oddly spaced attributes are read, and markup in a
        // comment or a script is not an element.
        let html = "<a\nhref=a.html?x=1&amp;y=2>A</a><IMG SRC = 'b.svg'><a name=top></a>\
                    <!-- <img src=\"c.svg\"> --><script>let s = '<a href=\"d.html\">';</script>";
        let doc = Html::parse_document(html);
        assert_eq!(link_hrefs(&doc), vec!["a.html?x=1&y=2"]);
        assert_eq!(img_srcs(&doc), vec!["b.svg"]);
        assert_eq!(targets(&doc), BTreeSet::from(["top".to_string()]));
    }

    #[test]
    fn urls_resolve_relative_to_the_page() {
        assert_eq!(
            resolve("lessons/02.html", "../images/a%20b.svg"),
            Some(("images/a b.svg".into(), None))
        );
        assert_eq!(
            resolve("lessons/02.html", "03.html#top"),
            Some(("lessons/03.html".into(), Some("top".into())))
        );
        assert_eq!(
            resolve("a.html", "#x"),
            Some(("a.html".into(), Some("x".into())))
        );
        assert_eq!(resolve("a.html", "../../x.html"), None);
        assert_eq!(resolve("a/b.html", "/"), Some(("index.html".into(), None)));
        assert!(is_external("https://example.com/"));
        assert!(!is_external("claims.html"));
    }

    #[test]
    fn dead_links_missing_fragments_and_broken_images_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("images")).unwrap();
        fs::write(dir.path().join("b.html"), r#"<h2 id="there">x</h2>"#).unwrap();
        fs::write(dir.path().join("images/ok.svg"), "<svg/>").unwrap();
        let mut site = Site::new(dir.path());
        let page = r##"<h1 id="top"></h1><a href="#top">t</a><a href="b.html#there">ok</a>
            <img src="images/ok.svg"><a href="b.html#gone">x</a><a href="c.html">y</a>
            <img src="images/missing.svg"><a href="#nowhere">z</a><a href="https://x.org">e</a>"##;
        let problems = site.check_page("a.html", &Html::parse_document(page));
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("broken image `images/missing.svg`"));
        assert!(
            problems[1].contains("no element with id `gone`"),
            "{problems:#?}"
        );
        assert!(problems[2].contains("dead link `c.html`"));
        assert!(problems[3].contains("no element with id `nowhere`"));
        assert_eq!(site.pages(), vec!["b.html"]);
    }
}
