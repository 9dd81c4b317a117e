//! The layout check against fixture pages in a real headless Chromium: the book's table CSS of
//! before this check (which broke crate names mid-word), a table that pushes the page sideways,
//! a figure with tiny text and a missing image must each be reported, and the same table under
//! the book's current `mdbook/extra.css` must not. Fails, saying how to install it, where
//! Chromium is not installed (`bash .ci/install-tools` installs it).

use std::path::Path;

use xtask::book::browser::{Browser, find_chromium};
use xtask::book::layout::{self, NARROWEST_WINDOW, WIDTHS};
use xtask::book::server::Server;

/// The table rules `mdbook/extra.css` had before the layout check existed.
const OLD_CSS: &str = "table td code { white-space: normal; overflow-wrap: anywhere; }\n\
                       table td:first-child { white-space: nowrap; width: 1%; }\n";

/// What mdbook's own theme does that matters here: a column of at most 750 px, and the
/// scrolling box it wraps every table in.
const THEME: &str = "main { max-width: 750px; margin: 0 auto; padding: 0 15px; }\n\
                     .table-wrapper { overflow-x: auto; }\n\
                     table { border-collapse: collapse; } td { border: 1px solid #ccc; }\n";

const PROSE: &str = "Every thread calls the same C function on the same global counter at \
                     once, and the lock, the atomic instruction or the shards decide whether \
                     any increment is lost on the way, which the table shows per kernel.";

/// A benchmark table as `cargo xtask bench` writes it: long labels first, then short numbers.
fn bench_table() -> String {
    let label = "sharded (per-thread padded counters, reentrant C increment, summed after \
                 join), 2 threads";
    format!(
        "<div class=\"table-wrapper\"><table><thead><tr><th>measurement</th><th>median</th>\
         <th>min – max</th><th>runs</th><th>unit</th></tr></thead><tbody><tr><td>{label}</td>\
         <td>1244</td><td>1148 – 1291</td><td>7</td><td>M increments/s</td></tr></tbody>\
         </table></div>"
    )
}

/// A chapter-like page: a crate table in mdbook's wrapper, with `extra` added to the body.
fn page(extra: &str) -> String {
    let mut rows = String::new();
    for name in ["racy", "mutex", "atomic", "sharded", "isolated"] {
        rows.push_str(&format!(
            "<tr><td><code>{name}</code></td><td>{PROSE}</td><td>{PROSE}</td></tr>"
        ));
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <link rel=\"stylesheet\" href=\"theme.css\"><link rel=\"stylesheet\" href=\"extra.css\">\
         </head><body><main><h1>Fixture</h1><div class=\"table-wrapper\"><table>\
         <thead><tr><th>crate</th><th>how</th><th>why</th></tr></thead><tbody>{rows}</tbody>\
         </table></div>{extra}</main></body></html>"
    )
}

/// The problems the layout check finds on `html` (with `extra_css` as the book's extra.css) at
/// both widths; `None` where Chromium is missing.
fn check(html: &str, extra_css: &str) -> Option<Vec<String>> {
    let Some(exe) = find_chromium() else {
        xtask::missing_tool("chromium", "bash .ci/install-tools");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "ch.html", html);
    write(root, "theme.css", THEME);
    write(root, "extra.css", extra_css);
    // 12 px labels in a 1200 px wide SVG, drawn at most 750 px wide: 7.5 px.
    write(
        root,
        "figures/tiny.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"100\" \
         viewBox=\"0 0 1200 100\"><text x=\"10\" y=\"50\" font-size=\"12\">racy, 2 threads\
         </text></svg>",
    );
    let server = Server::start(root, Some(layout::SCRIPT)).unwrap();
    let chrome = Browser::new(exe);
    let mut problems = Vec::new();
    for width in WIDTHS {
        let framed = width < NARROWEST_WINDOW;
        let url = server.layout_url("ch.html", width, framed);
        let dom = chrome
            .dump_dom(&url, width.max(NARROWEST_WINDOW))
            .unwrap_or_else(|e| panic!("chromium could not load the fixture: {e:#}"));
        let report = layout::report_in(&dom).unwrap();
        problems.extend(layout::problems(&report, "ch.html", width, root));
    }
    Some(problems)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn book_css() -> String {
    std::fs::read_to_string(lab::workspace_root().join("mdbook/extra.css")).unwrap()
}

#[test]
fn the_old_table_css_breaks_crate_names_and_the_check_says_where() {
    let Some(problems) = check(&page(""), OLD_CSS) else {
        return;
    };
    let all = problems.join("\n");
    // `isolated` breaks where the column's width says (`isol/ated` with Debian's fonts).
    let isolated = "at 1280 px: table 1 (crate | how | why), row 6, column 1 the word `is";
    assert!(
        all.lines().any(|l| l.starts_with(isolated)
            && l.ends_with("is broken across lines (/ marks the break)")),
        "{all}"
    );
    assert!(all.contains("at 400 px:"), "{all}");
}

#[test]
fn the_books_css_keeps_every_word_of_the_same_table_whole_at_both_widths() {
    let Some(problems) = check(&page(""), &book_css()) else {
        return;
    };
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn a_nowrap_label_column_that_pushes_a_table_past_the_column_fails_at_desktop_width() {
    let Some(old) = check(&page(&bench_table()), OLD_CSS) else {
        return;
    };
    let all = old.join("\n");
    assert!(
        all.contains("at 1280 px: table 2 (measurement | median | min – max | runs | unit) is "),
        "{all}"
    );
    assert!(
        all.contains("with its cells wrapping at spaces it fits"),
        "{all}"
    );
    let Some(now) = check(&page(&bench_table()), &book_css()) else {
        return;
    };
    assert_eq!(now, Vec::<String>::new());
}

#[test]
fn an_unwrapped_wide_table_a_missing_image_and_a_tiny_figure_are_reported() {
    let extra = "<table style=\"width:1400px\"><tr><td>wide</td><td>table</td></tr></table>\
                 <img src=\"figures/missing.png\"><img src=\"figures/tiny.svg\">";
    let Some(problems) = check(&page(extra), &book_css()) else {
        return;
    };
    let all = problems.join("\n");
    for needle in [
        "at 1280 px: table 2 is 1400 px wide in a 750 px column",
        "does not scroll in its own box",
        "at 400 px: table 2",
        "image figures/missing.png did not load",
        "figure figures/tiny.svg: its smallest text (\"racy, 2 threads\", 12.0 px in a 1200 px \
         wide SVG) is drawn 7.5 px high",
        "at 400 px: the page is",
    ] {
        assert!(all.contains(needle), "missing `{needle}` in:\n{all}");
    }
}
