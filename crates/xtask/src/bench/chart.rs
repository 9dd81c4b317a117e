//! One kind of chart for every figure: horizontal bars in labelled groups (by thread count, by
//! array size, by job), one colour per series with a legend, whiskers from the fastest to the
//! slowest run, the value written at the end of each bar, and an optional limit line per group
//! (the memcpy ceiling). Drawn with plotters' SVG backend on plain pixel coordinates, so the
//! sizes below are what the reader gets.
//!
//! The sizes follow from the book: its text column is about [`COLUMN`] px wide and its body text
//! 16 px, so an SVG [`WIDTH`] px wide is drawn at about its own size, and its smallest text
//! ([`SMALL`]) stays at least 14 px there. (`cargo xtask book-check` measures it in Chromium.)

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::report::num;

/// The book's text column, px (the layout check's ~750 px at desktop width).
pub const COLUMN: f64 = 750.0;
/// The SVG's width, px: drawn at `min(WIDTH, column)`.
pub const WIDTH: u32 = 760;
/// Font sizes as plotters takes them; its SVG writes `size / 1.24` (so 18 → 14.5 px).
pub const SMALL: f64 = 18.0;
const LABEL: f64 = 19.0;
const TITLE: f64 = 22.0;
/// What plotters divides a font size by when it writes the SVG.
pub const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// One bar.
#[derive(Debug, Clone)]
pub struct Row {
    /// The series it belongs to (its colour and legend entry).
    pub series: String,
    /// The text left of the bar.
    pub label: String,
    /// Bar length.
    pub median: f64,
    /// Whisker start.
    pub min: f64,
    /// Whisker end.
    pub max: f64,
}

/// A labelled group of bars, with an optional limit line across it.
#[derive(Debug, Clone)]
pub struct Group {
    /// "2 threads", "1e8 doubles".
    pub title: String,
    /// Its bars, top to bottom.
    pub rows: Vec<Row>,
    /// A line at this value with this name (the memcpy ceiling).
    pub limit: Option<(f64, String)>,
}

/// A whole chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The title over it.
    pub title: String,
    /// The axis unit ("M increments/s").
    pub unit: String,
    /// The groups, top to bottom.
    pub groups: Vec<Group>,
    /// A line across every group (1x for ratios).
    pub reference: Option<(f64, String)>,
    /// A line of text under the bars (the exact kernels of the lost-update figure).
    pub note: Option<String>,
    /// The machine and the run.
    pub footer: String,
}

/// Each series' colour, the same in every figure: a kernel is one colour wherever it appears.
pub fn colour(series: &str) -> RGBColor {
    match series {
        "racy" => RGBColor(214, 39, 40),
        "mutex-c" => RGBColor(148, 103, 189),
        "mutex-rust" => RGBColor(140, 86, 75),
        "atomic" => RGBColor(255, 127, 14),
        "sharded" => RGBColor(44, 160, 44),
        "sharded-unpadded" => RGBColor(188, 189, 34),
        "one C call" => RGBColor(127, 127, 127),
        "rayon over C" | "threads" => RGBColor(31, 119, 180),
        "rayon in place" => RGBColor(23, 190, 207),
        "rayon, SSE2 stores" => RGBColor(174, 199, 232),
        "fresh output" => RGBColor(227, 119, 194),
        "fresh, huge pages" => RGBColor(148, 52, 110),
        "fresh, huge pages, after a pause" => RGBColor(197, 176, 213),
        "raw pipe" => RGBColor(120, 120, 120),
        "memcpy, 1 MiB pieces" => RGBColor(90, 90, 90),
        "processes" | "lab pool, pipes" => RGBColor(166, 118, 29),
        "lab pool, shared memory" => RGBColor(230, 171, 2),
        "MPI, shared memory" => RGBColor(27, 158, 119),
        "MPI, shared memory, copied" => RGBColor(102, 166, 30),
        "MPI, TCP loopback" => RGBColor(117, 112, 179),
        "Python" => RGBColor(55, 118, 171),
        "Rust extension" => RGBColor(0, 128, 128),
        "Rust inline" => RGBColor(158, 202, 225),
        "Rust → C" => RGBColor(57, 59, 121),
        _ => RGBColor(100, 100, 100),
    }
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a figure failed: {e}")
}

/// Roughly how wide `text` is at plotters size `size` (sans-serif averages ~0.5 em; the SVG
/// writes size / 1.24). Used to leave room for labels, not to measure.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size / PLOTTERS_FONT_SCALE * 0.52
}

const ROW: i32 = 28;
const GROUP_HEAD: i32 = 30;
const MARGIN: i32 = 10;

/// Draws `chart` into `path`; a log axis when the values span more than 100x.
pub fn draw(path: &Path, chart: &Chart) -> anyhow::Result<()> {
    let rows: Vec<&Row> = chart.groups.iter().flat_map(|g| &g.rows).collect();
    let mut series: Vec<&str> = Vec::new();
    for r in &rows {
        if !series.contains(&r.series.as_str()) {
            series.push(&r.series);
        }
    }
    // A legend only where colours tell series apart.
    if series.len() < 2 {
        series.clear();
    }
    let legend_rows = legend_layout(&series).len() as i32;
    let top = 44 + legend_rows * 26;
    let body = chart.groups.len() as i32 * GROUP_HEAD + rows.len() as i32 * ROW;
    let note_h = if chart.note.is_some() { 30 } else { 0 };
    let height = (top + body + 50 + note_h + 56) as u32;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let text = |s: f64| ("sans-serif", s).into_font().color(&BLACK);

    root.draw_text(&chart.title, &text(TITLE), (MARGIN, 8))
        .map_err(err)?;
    for (i, line) in legend_layout(&series).iter().enumerate() {
        let y = 42 + i as i32 * 26;
        for (name, x) in line {
            root.draw(&Rectangle::new(
                [(*x, y + 2), (*x + 16, y + 16)],
                colour(name).filled(),
            ))
            .map_err(err)?;
            root.draw_text(name, &text(SMALL), (*x + 22, y))
                .map_err(err)?;
        }
    }

    // The bars' area: right of the longest label, left of room for the values.
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, LABEL))
        .fold(0.0, f64::max)
        .ceil() as i32;
    let x0 = MARGIN + label_w + 12;
    let x1 = WIDTH as i32 - MARGIN - 70;
    let lo = rows.iter().map(|r| r.min).fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.max)
        .chain(
            chart
                .groups
                .iter()
                .filter_map(|g| g.limit.as_ref().map(|l| l.0)),
        )
        .fold(0.0, f64::max);
    let log = lo > 0.0 && hi / lo > 100.0;
    let (a, b) = if log {
        ((lo.log10() - 0.1).floor(), hi.log10().ceil())
    } else {
        (0.0, nice_top(hi))
    };
    let to_x = |v: f64| {
        let t = if log {
            (v.max(1e-12).log10() - a) / (b - a)
        } else {
            (v - a) / (b - a)
        };
        x0 + ((x1 - x0) as f64 * t.clamp(0.0, 1.0)).round() as i32
    };
    let y_end = top + body;

    // Grid and axis labels.
    let ticks: Vec<f64> = if log {
        (a as i32..=b as i32).map(|e| 10f64.powi(e)).collect()
    } else {
        let step = b / 5.0;
        (0..=5).map(|i| i as f64 * step).collect()
    };
    for t in &ticks {
        let x = to_x(*t);
        root.draw(&PathElement::new(
            vec![(x, top), (x, y_end)],
            BLACK.mix(0.12).stroke_width(1),
        ))
        .map_err(err)?;
        let tick = if log { power_of_ten(*t) } else { plain(*t) };
        root.draw_text(
            &tick,
            &text(SMALL).pos(Pos::new(HPos::Center, VPos::Top)),
            (x, y_end + 6),
        )
        .map_err(err)?;
    }
    let axis = if log {
        format!("{} (log scale)", chart.unit)
    } else {
        chart.unit.clone()
    };
    root.draw_text(
        &axis,
        &text(SMALL).pos(Pos::new(HPos::Center, VPos::Top)),
        ((x0 + x1) / 2, y_end + 28),
    )
    .map_err(err)?;

    let mut y = top;
    for g in &chart.groups {
        root.draw_text(&g.title, &text(LABEL), (MARGIN, y + 6))
            .map_err(err)?;
        root.draw(&PathElement::new(
            vec![(MARGIN, y + 2), (x1, y + 2)],
            BLACK.mix(0.35).stroke_width(1),
        ))
        .map_err(err)?;
        let g_top = y + GROUP_HEAD - 4;
        y += GROUP_HEAD;
        for r in &g.rows {
            let mid = y + ROW / 2;
            root.draw_text(
                &r.label,
                &text(LABEL).pos(Pos::new(HPos::Right, VPos::Center)),
                (x0 - 8, mid),
            )
            .map_err(err)?;
            // Ratios grow from their reference (1x), so a ratio below it points left.
            let origin = chart.reference.as_ref().map_or(x0, |(v, _)| to_x(*v));
            let mut end = to_x(r.median);
            if end == origin {
                end += 1;
            }
            root.draw(&Rectangle::new(
                [(origin.min(end), mid - 9), (origin.max(end), mid + 9)],
                colour(&r.series).filled(),
            ))
            .map_err(err)?;
            let (wl, wh) = (to_x(r.min), to_x(r.max));
            for seg in [
                vec![(wl, mid), (wh, mid)],
                vec![(wl, mid - 5), (wl, mid + 5)],
                vec![(wh, mid - 5), (wh, mid + 5)],
            ] {
                root.draw(&PathElement::new(seg, BLACK.stroke_width(1)))
                    .map_err(err)?;
            }
            root.draw_text(
                &num(r.median),
                &text(SMALL).pos(Pos::new(HPos::Left, VPos::Center)),
                (wh.max(end).max(origin) + 6, mid),
            )
            .map_err(err)?;
            y += ROW;
        }
        if let Some((v, name)) = &g.limit {
            limit_line(&root, to_x(*v), g_top, y, name, &text(SMALL))?;
        }
    }
    if let Some((v, name)) = &chart.reference {
        limit_line(&root, to_x(*v), top, y_end, name, &text(SMALL))?;
    }
    let mut foot = y_end + 56;
    if let Some(note) = &chart.note {
        root.draw_text(note, &text(LABEL), (MARGIN, foot))
            .map_err(err)?;
        foot += 30;
    }
    // The machine, then the run: one line is too long for the width.
    let (machine, run) = chart
        .footer
        .split_once(" · ")
        .unwrap_or((&chart.footer, ""));
    for (i, line) in [machine, run].into_iter().enumerate() {
        root.draw_text(line, &text(SMALL), (MARGIN, foot + i as i32 * 24))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

/// A dashed vertical line at `x` from `y0` to `y1`, named at its top.
fn limit_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y0: i32,
    y1: i32,
    name: &str,
    style: &TextStyle,
) -> anyhow::Result<()> {
    let mut y = y0;
    while y < y1 {
        root.draw(&PathElement::new(
            vec![(x, y), (x, (y + 6).min(y1))],
            BLACK.stroke_width(2),
        ))
        .map_err(err)?;
        y += 10;
    }
    root.draw_text(
        name,
        &style.pos(Pos::new(HPos::Right, VPos::Bottom)),
        (x - 4, y0 + 2),
    )
    .map_err(err)?;
    Ok(())
}

/// The legend's entries placed in lines that fit the width: (name, x) per entry.
fn legend_layout<'a>(series: &[&'a str]) -> Vec<Vec<(&'a str, i32)>> {
    let mut lines: Vec<Vec<(&str, i32)>> = Vec::new();
    let mut x = MARGIN;
    for s in series {
        let w = 22 + text_width(s, SMALL).ceil() as i32 + 18;
        if lines.is_empty() || x + w > WIDTH as i32 - MARGIN {
            lines.push(Vec::new());
            x = MARGIN;
        }
        if let Some(line) = lines.last_mut() {
            line.push((s, x));
        }
        x += w;
    }
    lines
}

/// A linear axis tick without trailing zeros: "0", "0.25", "15", "1500".
fn plain(v: f64) -> String {
    let s = num(v);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A log axis tick: "0.01", "0.1", "1", "10", "1000".
fn power_of_ten(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        let decimals = (-v.log10()).round() as usize;
        format!("{v:.decimals$}")
    }
}

/// A round axis end above `hi`: 1, 2 or 5 times a power of ten, times 5 ticks.
fn nice_top(hi: f64) -> f64 {
    if hi <= 0.0 {
        return 1.0;
    }
    let step = hi / 5.0;
    let p = 10f64.powf(step.log10().floor());
    let m = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .find(|m| m * p >= step)
        .unwrap_or(10.0);
    m * p * 5.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_text_is_at_least_14_px_when_drawn_in_the_books_column() {
        let drawn = SMALL / PLOTTERS_FONT_SCALE * COLUMN.min(f64::from(WIDTH)) / f64::from(WIDTH);
        assert!(drawn >= 14.0, "{drawn}");
    }

    #[test]
    fn log_ticks_are_written_as_plain_powers_of_ten() {
        let got: Vec<String> = [0.01, 0.1, 1.0, 10.0, 1000.0].map(power_of_ten).to_vec();
        assert_eq!(got, ["0.01", "0.1", "1", "10", "1000"]);
        let got: Vec<String> = [0.0, 0.25, 15.0, 1500.0].map(plain).to_vec();
        assert_eq!(got, ["0", "0.25", "15", "1500"]);
    }

    #[test]
    fn axis_ends_are_round_and_above_the_data() {
        assert_eq!(nice_top(1279.0), 1500.0);
        assert_eq!(nice_top(47.6), 50.0);
        assert_eq!(nice_top(0.9), 1.0);
        for hi in [0.3, 7.0, 43.5, 999.0] {
            assert!(nice_top(hi) >= hi);
        }
    }

    #[test]
    fn a_kernel_has_one_colour_and_different_kernels_differ() {
        let kernels = [
            "racy",
            "mutex-c",
            "mutex-rust",
            "atomic",
            "sharded",
            "sharded-unpadded",
        ];
        for (i, a) in kernels.iter().enumerate() {
            for b in &kernels[i + 1..] {
                assert_ne!(colour(a), colour(b), "{a} and {b}");
            }
        }
    }

    #[test]
    fn the_series_of_one_figure_have_colours_of_their_own() {
        let arrays = [
            "memcpy, 1 MiB pieces",
            "one C call",
            "rayon over C",
            "rayon, SSE2 stores",
            "rayon in place",
            "fresh output",
            "fresh, huge pages",
            "fresh, huge pages, after a pause",
        ];
        let processes = ["processes", "threads", "raw pipe"];
        let mpi = [
            "threads",
            "lab pool, pipes",
            "lab pool, shared memory",
            "MPI, shared memory",
            "MPI, shared memory, copied",
            "MPI, TCP loopback",
        ];
        for series in [&arrays[..], &processes[..], &mpi[..]] {
            for (i, a) in series.iter().enumerate() {
                for b in &series[i + 1..] {
                    assert_ne!(colour(a), colour(b), "{a} and {b}");
                }
            }
        }
    }
}
