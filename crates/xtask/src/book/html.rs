//! Link and image checks over HTML: the built book's files, and the DOM that a real browser
//! rendered. Internal links must lead to a file of the book and, with a `#fragment`, to an
//! element with that id on the target page.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The values of every `attr="..."` (or `'...'`) in `html`, with `&amp;` decoded.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let needle = format!("{attr}={quote}");
        for (at, _) in html.match_indices(&needle) {
            let before = html[..at].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue; // part of a longer attribute name, e.g. data-src
            }
            let rest = &html[at + needle.len()..];
            if let Some(end) = rest.find(quote) {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

/// The `src` of every `<img>` element in `html`.
pub fn img_srcs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices("<img") {
        let tag_end = html[at..].find('>').map_or(html.len(), |e| at + e);
        let tag = &html[at..tag_end];
        match attr_values(tag, "src").into_iter().next() {
            Some(src) => out.push(src),
            None => out.push(String::new()),
        }
    }
    out
}

/// The `href` of every `<a>` element in `html`.
pub fn link_hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices("<a ") {
        let tag_end = html[at..].find('>').map_or(html.len(), |e| at + e);
        out.extend(attr_values(&html[at..tag_end], "href"));
    }
    out
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
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "html")
                    && let Ok(r) = p.strip_prefix(&self.root)
                {
                    out.push(r.to_string_lossy().into_owned());
                }
            }
        }
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
            attr_values(&html, "id")
                .into_iter()
                .chain(attr_values(&html, "name"))
                .collect()
        })
    }

    /// Problems with the internal links and images in `html`, which is `page` (from disk or
    /// as rendered by the browser). `ids_here` are the ids on the page itself.
    pub fn check_page(&mut self, page: &str, html: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let here: BTreeSet<String> = attr_values(html, "id")
            .into_iter()
            .chain(attr_values(html, "name"))
            .collect();
        for src in img_srcs(html) {
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
        for href in link_hrefs(html) {
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
        assert_eq!(link_hrefs(html), vec!["a.html#x", "b/c.html"]);
        assert_eq!(img_srcs(html), vec!["images/d.svg", ""]);
        assert_eq!(attr_values(html, "id"), vec!["x"]);
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
        let dir = std::env::temp_dir().join(format!("lab-html-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("images")).unwrap();
        fs::write(dir.join("b.html"), r#"<h2 id="there">x</h2>"#).unwrap();
        fs::write(dir.join("images/ok.svg"), "<svg/>").unwrap();
        let mut site = Site::new(&dir);
        let page = r##"<h1 id="top"></h1><a href="#top">t</a><a href="b.html#there">ok</a>
            <img src="images/ok.svg"><a href="b.html#gone">x</a><a href="c.html">y</a>
            <img src="images/missing.svg"><a href="#nowhere">z</a><a href="https://x.org">e</a>"##;
        let problems = site.check_page("a.html", page);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("broken image `images/missing.svg`"));
        assert!(
            problems[1].contains("no element with id `gone`"),
            "{problems:#?}"
        );
        assert!(problems[2].contains("dead link `c.html`"));
        assert!(problems[3].contains("no element with id `nowhere`"));
    }
}
