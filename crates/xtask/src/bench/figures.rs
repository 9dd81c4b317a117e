//! SVG figures (plotters, SVG backend): horizontal bars at the median, whiskers from the
//! fastest to the slowest run, the machine and date under every figure.

use std::path::{Path, PathBuf};

use anyhow::Context;
use plotters::prelude::*;

use super::report::{Results, caption, num};

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    /// What was measured.
    pub label: String,
    /// Bar length.
    pub median: f64,
    /// Whisker start.
    pub min: f64,
    /// Whisker end.
    pub max: f64,
}

/// What a figure shows.
#[derive(Debug, Clone, Copy)]
pub enum Shows {
    /// The group's measurements in this unit.
    Unit(&'static str),
    /// The group's ratios ("x times").
    Ratios,
}

/// Every figure the suite draws: file name, group, what it shows, title.
pub const FIGURES: &[(&str, &str, Shows, &str)] = &[
    (
        "calls.svg",
        "calls",
        Shows::Unit("ns/call"),
        "One call: Rust → C against inlined Rust (ns per call, lower is better)",
    ),
    (
        "counters.svg",
        "counters",
        Shows::Unit("M increments/s"),
        "Counter kernels: total increments per second (higher is better)",
    ),
    (
        "counters_lost.svg",
        "counters",
        Shows::Unit("% lost"),
        "Lost updates: increments called but missing from the total (% of all, per run)",
    ),
    (
        "arrays.svg",
        "arrays",
        Shows::Unit("GB/s"),
        "square_array bandwidth, read + write (higher is better)",
    ),
    (
        "processes.svg",
        "processes",
        Shows::Unit("ms"),
        "Threads against processes, pipes against shared memory (ms per job, lower is better)",
    ),
    (
        "python.svg",
        "python",
        Shows::Ratios,
        "Python with ctypes against Rust, same C: ratios of same-run medians",
    ),
];

/// Draws every figure into `dir`; returns the files.
pub fn write_figures(r: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let cap = caption(r);
    for &(file, group, shows, title) in FIGURES {
        let path = dir.join(file);
        if let Some(sk) = r.skipped.iter().find(|s| s.group == group) {
            notice(
                &path,
                title,
                &format!("Skipped in this run: {}", sk.reason),
                &cap,
            )?;
            files.push(path);
            continue;
        }
        let (bars, unit): (Vec<Bar>, &str) = match shows {
            Shows::Unit(unit) => (
                r.measurements
                    .iter()
                    .filter(|m| m.group == group && m.unit == unit)
                    .map(|m| Bar {
                        label: m.label.clone(),
                        median: m.summary.median,
                        min: m.summary.min,
                        max: m.summary.max,
                    })
                    .collect(),
                unit,
            ),
            Shows::Ratios => (
                r.ratios
                    .iter()
                    .filter(|x| x.group == group)
                    .map(|x| Bar {
                        label: x.label.clone(),
                        median: x.value,
                        min: x.range.0,
                        max: x.range.1,
                    })
                    .collect(),
                "x",
            ),
        };
        if bars.is_empty() {
            notice(
                &path,
                title,
                "Nothing was measured for this figure in this run",
                &cap,
            )?;
        } else {
            bar_chart(&path, title, unit, &bars, &cap)?;
        }
        files.push(path);
    }
    Ok(files)
}

const WIDTH: u32 = 960;

/// Ten distinct colours that stay readable on white (the "tab10" set).
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];
const ROW: u32 = 46;

/// A figure that only says why there is no chart (a skipped comparison).
fn notice(path: &Path, title: &str, text: &str, cap: &str) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, (WIDTH, 140)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_err)?;
    root.draw_text(title, &("sans-serif", 18).into_text_style(&root), (10, 10))
        .map_err(plot_err)?;
    root.draw_text(text, &("sans-serif", 15).into_text_style(&root), (10, 60))
        .map_err(plot_err)?;
    root.draw_text(cap, &("sans-serif", 12).into_text_style(&root), (10, 115))
        .map_err(plot_err)?;
    root.present().map_err(plot_err)?;
    Ok(())
}

fn plot_err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a figure failed: {e}")
}

/// Horizontal bars, first bar on top; a log axis when values span more than 100x.
pub fn bar_chart(
    path: &Path,
    title: &str,
    unit: &str,
    bars: &[Bar],
    cap: &str,
) -> anyhow::Result<()> {
    let k = bars.len();
    let height = 110 + ROW * k as u32 + 40;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_err)?;
    let (top, bottom) = root.split_vertically(height - 28);
    bottom
        .draw_text(cap, &("sans-serif", 12).into_text_style(&bottom), (10, 6))
        .map_err(plot_err)?;

    let positive = bars.iter().all(|b| b.min > 0.0);
    let lo = bars.iter().map(|b| b.min).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.max).fold(0.0, f64::max);
    let log = positive && hi / lo > 100.0;
    // On a log axis, plot log10(value) and label the ticks with the value.
    let f = |v: f64| if log { v.log10() } else { v };
    let (x0, x1) = if log {
        ((lo.log10() - 0.3).floor(), (hi.log10() + 0.05).ceil())
    } else {
        (0.0, hi * 1.12)
    };
    let mut chart = ChartBuilder::on(&top)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(8)
        .build_cartesian_2d(x0..x1, -0.6f64..(k as f64 - 0.4))
        .map_err(plot_err)?;
    let x_desc = if log {
        format!("{unit} (log scale)")
    } else {
        unit.to_string()
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(x_desc)
        .x_labels(if log { (x1 - x0) as usize + 1 } else { 10 })
        .x_label_formatter(&|v| if log { num(10f64.powf(*v)) } else { num(*v) })
        .draw()
        .map_err(plot_err)?;

    if unit == "x" && (x0..=x1).contains(&f(1.0)) {
        // Ratios: a line at 1x, where the two sides are equal.
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(f(1.0), -0.6), (f(1.0), k as f64 - 0.4)],
                BLACK.mix(0.6).stroke_width(2),
            )))
            .map_err(plot_err)?;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = (k - 1 - i) as f64;
        let (red, green, blue) = PALETTE[i % PALETTE.len()];
        let color = RGBColor(red, green, blue);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x0, y - 0.14), (f(b.median), y + 0.1)],
                color.filled(),
            )))
            .map_err(plot_err)?;
        let (wl, wh) = (f(b.min), f(b.max));
        let whisker = [
            vec![(wl, y - 0.02), (wh, y - 0.02)],
            vec![(wl, y - 0.1), (wl, y + 0.06)],
            vec![(wh, y - 0.1), (wh, y + 0.06)],
        ];
        chart
            .draw_series(
                whisker
                    .into_iter()
                    .map(|p| PathElement::new(p, BLACK.stroke_width(1))),
            )
            .map_err(plot_err)?;
        let text = format!(
            "{}: {} {unit}  [{} – {}]",
            b.label,
            num(b.median),
            num(b.min),
            num(b.max)
        );
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (x0, y + 0.42),
                ("sans-serif", 13).into_font(),
            )))
            .map_err(plot_err)?;
    }
    root.present()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
