//! The layout check: what a reader sees at a desktop width and at a phone width, measured by
//! the browser itself. A page can pass every link and listing check and still be unreadable: a
//! table that pushes the page sideways, an identifier broken in the middle ("rac/y") so it
//! cannot be copied, a figure whose labels are too small to read.
//!
//! Chromium has no command-line switch that returns measurements, and a DevTools-protocol
//! client would be a large dependency for a few numbers, so the page measures itself: the
//! [`server`](super::server) inlines [`SCRIPT`] (`layout.js`) into the chapter, the script runs
//! after the load event and writes a JSON report into the DOM, and `--dump-dom` prints it. This
//! module reads the report and decides. Headless Chromium will not make its window narrower than
//! 500 px, so the narrow width is an iframe of that width (media queries follow the iframe).
//!
//! The figures' text size is checked here, not in the script: the SVG files are on disk, and
//! their font sizes scale with the width the browser drew them at.

use std::path::Path;

use anyhow::Context;
use scraper::{Html, Selector};
use serde::Deserialize;

use super::html;

/// The probe the server inlines into each page (see the module docs).
pub const SCRIPT: &str = include_str!("layout.js");

/// The widths every chapter is checked at: a desktop window and a phone.
pub const WIDTHS: [u32; 2] = [1280, 400];

/// The narrowest window headless Chromium really lays out; narrower widths are framed.
pub const NARROWEST_WINDOW: u32 = 500;

/// The smallest text a figure may have at the desktop width, in CSS px as drawn.
pub const MIN_FIGURE_TEXT_PX: f64 = 12.0;

/// Where the generated figures are: only their text size is checked (hand-drawn pictures are
/// their authors' business; the other checks apply to every image).
pub const FIGURES_DIR: &str = "figures/";

/// What the script measured on one page at one width.
#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    /// The layout viewport's width (`innerWidth`).
    pub viewport: f64,
    /// The text column's width (mdbook's `<main>` without padding).
    pub column: f64,
    /// `document.fonts.status` when it measured: "loaded" unless a web font never arrived.
    pub fonts: String,
    /// How many words in table cells were looked at.
    pub words: usize,
    /// Every table on the page.
    pub tables: Vec<TableInfo>,
    /// Every image on the page.
    pub images: Vec<ImageInfo>,
    /// What the script found wrong.
    pub problems: Vec<Found>,
}

/// One table: its name on the page and its content width.
#[derive(Debug, Clone, Deserialize)]
pub struct TableInfo {
    /// "table 2 (ID | claim | ...)".
    pub name: String,
    /// The width its content needs.
    pub width: f64,
    /// The narrowest it can be laid out without breaking a word.
    pub narrowest: f64,
    /// Whether that is wider than the text column (it scrolls in its box).
    pub scrolls: bool,
}

/// One image as drawn.
#[derive(Debug, Clone, Deserialize)]
pub struct ImageInfo {
    /// Its `src`, as written in the page.
    pub src: String,
    /// Its drawn width, CSS px.
    pub width: f64,
}

/// One problem the script found.
#[derive(Debug, Clone, Deserialize)]
pub struct Found {
    /// `table-overflow`, `word-break`, `image-missing`, `image-too-wide`, `page-overflow`.
    pub kind: String,
    /// The element: "table 3 (...), row 2, column 1", "image figures/a.svg".
    pub element: String,
    /// What is wrong with it.
    pub message: String,
}

/// The report in a dumped DOM (the `script#layout-report` element), or why there is none.
pub fn report_in(dom: &str) -> anyhow::Result<Report> {
    let doc = Html::parse_document(dom);
    let selector = html::selector("script#layout-report");
    let Some(element) = doc.select(&selector).next() else {
        anyhow::bail!("the layout script wrote no report (did the page finish loading?)");
    };
    let text: String = element.text().collect();
    let value: serde_json::Value =
        serde_json::from_str(&text).context("the layout report is not JSON")?;
    if let Some(error) = value.get("error") {
        anyhow::bail!("the layout script failed: {error}");
    }
    serde_json::from_value(value).context("the layout report has an unexpected shape")
}

/// The problems on `page` at `width`: the script's findings, and at the desktop width the
/// figures under [`FIGURES_DIR`] whose text is drawn smaller than [`MIN_FIGURE_TEXT_PX`]
/// (`book_out` is the built book, where the SVG files are).
pub fn problems(report: &Report, page: &str, width: u32, book_out: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if (report.viewport - f64::from(width)).abs() > 1.0 {
        out.push(format!(
            "the page was laid out {} px wide, not {width} px (the window or frame size was \
             not applied)",
            report.viewport
        ));
    }
    if report.fonts != "loaded" {
        out.push(format!(
            "at {width} px: the web fonts were `{}` when the page was measured, so the text \
             was laid out in a fallback font",
            report.fonts
        ));
    }
    out.extend(
        report
            .problems
            .iter()
            .map(|p| format!("at {width} px: {} {}", p.element, p.message)),
    );
    if width == WIDTHS[0] {
        // A table may scroll at desktop width only when no layout fits it without breaking a
        // word (the ledger's longest witnesses).
        for t in report
            .tables
            .iter()
            .filter(|t| t.scrolls && t.narrowest <= report.column)
        {
            out.push(format!(
                "at {width} px: {} is {} px wide in a {} px column, though with its cells \
                 wrapping at spaces it fits in {} px: at desktop width a table that can fit \
                 must not scroll (is a cell `white-space: nowrap`?)",
                t.name, t.width, report.column as u32, t.narrowest
            ));
        }
        // mdbook draws each image twice; the zoomable copy is hidden (0 px wide).
        for img in report.images.iter().filter(|i| i.width > 0.0) {
            let Some((rel, _)) = html::resolve(page, &img.src) else {
                continue;
            };
            if !rel.starts_with(FIGURES_DIR) || !rel.ends_with(".svg") {
                continue;
            }
            let Ok(svg) = std::fs::read_to_string(book_out.join(&rel)) else {
                continue; // a missing image is the script's and the link check's finding
            };
            match smallest_text(&svg) {
                Some(text) => {
                    let drawn = text.font_px * img.width / text.svg_width;
                    if drawn < MIN_FIGURE_TEXT_PX {
                        out.push(format!(
                            "at {width} px: figure {rel}: its smallest text (\"{}\", {:.1} px in \
                             a {} px wide SVG) is drawn {drawn:.1} px high at {:.0} px wide: \
                             at least {MIN_FIGURE_TEXT_PX} px needed (larger fonts or a \
                             narrower SVG)",
                            text.text, text.font_px, text.svg_width, img.width
                        ));
                    }
                }
                None => out.push(format!(
                    "figure {rel}: no width or viewBox, so its text size cannot be checked"
                )),
            }
        }
    }
    out
}

/// What is worth knowing but not wrong: the tables that scroll at the desktop width because no
/// layout fits them without breaking a word (the ledger's long witnesses).
pub fn notes(report: &Report, width: u32) -> Vec<String> {
    if width != WIDTHS[0] {
        return Vec::new();
    }
    report
        .tables
        .iter()
        .filter(|t| t.scrolls && t.narrowest > report.column)
        .map(|t| {
            format!(
                "{} scrolls at {width} px in its own box: its narrowest layout without a broken \
                 word is {} px, the column {} px",
                t.name, t.narrowest, report.column as u32
            )
        })
        .collect()
}

/// The smallest text in an SVG: its font size and the SVG's own width (user units).
#[derive(Debug, Clone, PartialEq)]
pub struct SmallestText {
    /// The text, shortened.
    pub text: String,
    /// Its font size in the SVG's units.
    pub font_px: f64,
    /// The SVG's width in the same units (the viewBox's, else the `width` attribute).
    pub svg_width: f64,
}

/// The smallest text of `svg`, `None` when it has no text or no width. A font size comes from
/// the element's or its nearest ancestor's `font-size` attribute or `style`, 16 px by default.
pub fn smallest_text(svg: &str) -> Option<SmallestText> {
    let doc = Html::parse_fragment(svg);
    let root = doc.select(&html::selector("svg")).next()?;
    let width = root
        .attr("viewBox")
        .or_else(|| root.attr("viewbox"))
        .and_then(|v| v.split([' ', ',']).filter(|s| !s.is_empty()).nth(2))
        .or_else(|| root.attr("width"))
        .and_then(|w| w.trim_end_matches("px").parse::<f64>().ok())?;
    let mut smallest: Option<SmallestText> = None;
    for text in doc.select(&TEXT) {
        let content: String = text.text().collect::<String>().trim().to_string();
        if content.is_empty() {
            continue;
        }
        let size = std::iter::successors(Some(text), |e| {
            e.parent().and_then(scraper::ElementRef::wrap)
        })
        .find_map(font_size)
        .unwrap_or(16.0);
        if smallest.as_ref().is_none_or(|s| size < s.font_px) {
            smallest = Some(SmallestText {
                text: content.chars().take(40).collect(),
                font_px: size,
                svg_width: width,
            });
        }
    }
    smallest
}

static TEXT: std::sync::LazyLock<Selector> =
    std::sync::LazyLock::new(|| html::selector("text, tspan"));

/// An element's own font size (attribute or inline style), in px.
fn font_size(e: scraper::ElementRef<'_>) -> Option<f64> {
    let from_style = e.attr("style").and_then(|s| {
        s.split(';').find_map(|d| {
            let (k, v) = d.split_once(':')?;
            (k.trim() == "font-size").then(|| v.trim().to_string())
        })
    });
    let value = from_style.or_else(|| e.attr("font-size").map(str::to_string))?;
    value.trim().trim_end_matches("px").trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_text_is_found_with_inherited_sizes_and_the_viewbox_width() {
        let svg = r#"<svg width="480" viewBox="0 0 960 500" xmlns="http://www.w3.org/2000/svg">
            <text font-size="20">Title</text>
            <g font-size="11"><text>inherited <tspan>part</tspan></text></g>
            <text style="fill:red; font-size: 9.5px">styled</text>
            <text font-size="4"> </text></svg>"#;
        assert_eq!(
            smallest_text(svg),
            Some(SmallestText {
                text: "styled".into(),
                font_px: 9.5,
                svg_width: 960.0
            })
        );
        assert_eq!(smallest_text("<svg><text>x</text></svg>"), None, "no width");
    }

    fn report(json: &str) -> Report {
        report_in(&format!(
            "<html><body><script type=\"application/json\" id=\"layout-report\">{json}\
             </script></body></html>"
        ))
        .unwrap()
    }

    #[test]
    fn a_figure_drawn_with_small_text_or_a_scrolling_table_fails_at_desktop_width() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("figures")).unwrap();
        // 12 px text in a 960-wide SVG drawn 750 px wide: 9.4 px.
        std::fs::write(
            dir.path().join("figures/a.svg"),
            r#"<svg width="960" height="10"><text font-size="12">label</text></svg>"#,
        )
        .unwrap();
        let r = report(
            r#"{"viewport":1280,"column":750,"words":3,"fonts":"loaded",
                "tables":[{"name":"table 1 (a | b)","width":900,"narrowest":700,"scrolls":true}],
                "images":[{"src":"figures/a.svg","width":750,"natural_width":960}],
                "problems":[{"kind":"word-break","element":"table 1 (a | b), row 2, column 1",
                             "message":"the word `rac/y` is broken across lines"}]}"#,
        );
        let all = problems(&r, "ch.html", 1280, dir.path()).join("\n");
        assert!(all.contains("row 2, column 1 the word `rac/y`"), "{all}");
        assert!(all.contains("table 1 (a | b) is 900 px wide"), "{all}");
        assert!(all.contains("figure figures/a.svg"), "{all}");
        assert!(all.contains("drawn 9.4 px high"), "{all}");
        // At the phone width a table may scroll in its box and figures are not measured.
        let narrow = problems(
            &Report {
                viewport: 400.0,
                problems: vec![],
                ..r
            },
            "ch.html",
            400,
            dir.path(),
        );
        assert_eq!(narrow, Vec::<String>::new());
    }

    #[test]
    fn a_table_that_cannot_fit_without_breaking_a_word_may_scroll_and_is_noted() {
        let dir = tempfile::tempdir().unwrap();
        let r = report(
            r#"{"viewport":1280,"column":900,"words":9,"fonts":"loaded","images":[],"problems":[],
                "tables":[{"name":"table 1 (ID | claim)","width":1300,"narrowest":1200,
                           "scrolls":true}]}"#,
        );
        assert_eq!(
            problems(&r, "claims.html", 1280, dir.path()),
            Vec::<String>::new()
        );
        let found = notes(&r, 1280);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("narrowest layout without a broken word is 1200 px"));
        assert_eq!(notes(&r, 400), Vec::<String>::new());
    }

    #[test]
    fn a_page_measured_before_its_fonts_arrived_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let r = report(
            r#"{"viewport":400,"column":370,"words":0,"fonts":"loading","images":[],
                "problems":[],"tables":[]}"#,
        );
        let found = problems(&r, "ch.html", 400, dir.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("fallback font"), "{found:?}");
    }

    #[test]
    fn a_report_that_is_missing_or_failed_is_an_error() {
        assert!(report_in("<html><body></body></html>").is_err());
        let failed = report_in(
            "<script type=\"application/json\" id=\"layout-report\">{\"error\":\"boom\"}</script>",
        );
        assert!(format!("{:#}", failed.unwrap_err()).contains("boom"));
    }
}
