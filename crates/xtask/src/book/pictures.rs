//! The book's SVG files: every one is well-formed XML with a `viewBox` (so it scales to the
//! column instead of being cropped), and a chapter shows it (an SVG nobody shows is stale).
//! The hand-written pictures (in `pictures/`) must also keep their text legible: shown at most
//! [`BOOK_COLUMN_PX`] wide, every `font-size` renders at [`MIN_TEXT_PX`] or more. The browser check already fails on an image that does not load.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};
use walkdir::WalkDir;

use super::Problem;
use super::source::{markdown_options, normalize};

/// The width of the book's text column, in CSS pixels.
pub const BOOK_COLUMN_PX: f64 = 750.0;
/// The smallest text a hand-written picture may render at book width.
pub const MIN_TEXT_PX: f64 = 14.0;
/// The folders of hand-written pictures whose text size is checked. Not `figures/` (generated
/// by the benchmark command) and not yet `images/`, whose older drawing uses 11–14 px text
/// at a width above the column's.
pub const HAND_WRITTEN: &[&str] = &["pictures"];

/// Every `.svg` under `src`, relative to it, sorted.
pub fn svg_files(src: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = WalkDir::new(src)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "svg"))
        .filter_map(|e| e.path().strip_prefix(src).ok().map(Path::to_path_buf))
        .collect();
    out.sort();
    out
}

/// The images (`![..](path)`) of `markdown`, a chapter at `chapter` (relative to the book's
/// `src`), as paths relative to `src`.
pub fn images(chapter: &str, markdown: &str) -> Vec<PathBuf> {
    let dir = Path::new(chapter).parent().unwrap_or(Path::new(""));
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Image { dest_url, .. }) if !dest_url.contains("://") => Some(
                normalize(&dir.join(dest_url.split('#').next().unwrap_or(""))),
            ),
            _ => None,
        })
        .collect()
}

/// The problems of one SVG's text `svg`: not XML, no `<svg>` root, no usable `viewBox`, and,
/// when `hand_written`, text smaller than [`MIN_TEXT_PX`] at book width.
pub fn check_svg(svg: &str, hand_written: bool) -> Vec<String> {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return vec![format!(
            "the root element is <{}>, not <svg>",
            root.tag_name().name()
        )];
    }
    let view: Vec<f64> = root
        .attribute("viewBox")
        .unwrap_or("")
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let [_, _, vw, vh] = view[..] else {
        return vec!["no viewBox=\"x y width height\": the picture would not scale".into()];
    };
    if vw <= 0.0 || vh <= 0.0 {
        return vec![format!("viewBox {vw} × {vh} is empty")];
    }
    let mut problems = Vec::new();
    if hand_written {
        let shown = root
            .attribute("width")
            .and_then(|w| w.trim_end_matches("px").parse::<f64>().ok())
            .map_or(BOOK_COLUMN_PX, |w| w.min(BOOK_COLUMN_PX));
        let scale = shown / vw;
        for node in doc.descendants().filter(roxmltree::Node::is_element) {
            let Some(size) = node.attribute("font-size") else {
                continue;
            };
            let px = size.trim_end_matches("px").parse::<f64>().unwrap_or(0.0) * scale;
            if px < MIN_TEXT_PX {
                problems.push(format!(
                    "line {}: font-size {size} renders at {px:.1} px at book width \
                     (at least {MIN_TEXT_PX} px)",
                    doc.text_pos_at(node.range().start).row
                ));
            }
        }
    }
    problems
}

/// Checks every SVG under `src` against the chapters (SUMMARY.md's list, relative to `src`).
pub fn check(src: &Path, chapters: &[String]) -> Vec<Problem> {
    let shown: BTreeSet<PathBuf> = chapters
        .iter()
        .flat_map(|c| images(c, &fs::read_to_string(src.join(c)).unwrap_or_default()))
        .collect();
    let mut problems = Vec::new();
    for svg in svg_files(src) {
        let place = svg.display().to_string();
        let hand_written = HAND_WRITTEN.iter().any(|d| svg.starts_with(d));
        let text = fs::read_to_string(src.join(&svg)).unwrap_or_default();
        for message in check_svg(&text, hand_written) {
            problems.push(Problem {
                place: place.clone(),
                message,
            });
        }
        if !shown.contains(&svg) {
            problems.push(Problem {
                place,
                message: "no chapter shows this picture (`![alt](path)`): use it or remove it"
                    .into(),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="600" viewBox="0 0 600 300" font-size="17"><text>a</text></svg>"#;

    #[test]
    fn a_good_svg_passes_and_each_fault_is_named() {
        assert_eq!(check_svg(GOOD, true), Vec::<String>::new());
        let bad_xml = check_svg("<svg viewBox=\"0 0 1 1\"><text></svg>", true);
        assert!(bad_xml[0].starts_with("not well-formed XML"), "{bad_xml:?}");
        let no_view = check_svg(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#, false);
        assert!(no_view[0].starts_with("no viewBox"), "{no_view:?}");
        let small = GOOD.replace("<text>", r#"<text font-size="12">"#);
        let found = check_svg(&small, true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("renders at 12.0 px"), "{found:?}");
        assert_eq!(
            check_svg(&small, false),
            Vec::<String>::new(),
            "figures: no text check"
        );
        // A 1500-wide picture shrinks to the column: its 20 px text renders at 10 px.
        let wide =
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1500 300" font-size="20"/>"#;
        assert!(check_svg(wide, true)[0].contains("renders at 10.0 px"));
    }

    #[test]
    fn images_resolve_relative_to_their_chapter() {
        let md = "![a](../pictures/x.svg)\n\n![b](figures/y.svg)\n\n![c](https://e.org/z.svg)\n";
        assert_eq!(
            images("lessons/l.md", md),
            vec![
                PathBuf::from("pictures/x.svg"),
                PathBuf::from("lessons/figures/y.svg")
            ]
        );
    }

    #[test]
    fn an_svg_no_chapter_shows_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("pictures")).unwrap();
        fs::write(dir.path().join("pictures/a.svg"), GOOD).unwrap();
        fs::write(dir.path().join("pictures/b.svg"), GOOD).unwrap();
        fs::write(dir.path().join("ch.md"), "![a](pictures/a.svg)\n").unwrap();
        let problems = check(dir.path(), &["ch.md".to_string()]);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].place, "pictures/b.svg");
    }
}
