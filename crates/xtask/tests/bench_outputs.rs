//! The benchmark's output files, without running a benchmark: tables and figures written from
//! a synthetic run pass the same checks `cargo xtask bench` applies, a skipped comparison still
//! yields a readable table and figure, and the book's Measurements chapter names exactly the
//! files the suite writes.

use std::collections::BTreeSet;

use xtask::bench::figures::{FIGURES, write_figures};
use xtask::bench::machine::Machine;
use xtask::bench::report::{GROUPS, Note, Results, Skipped, write_tables};
use xtask::bench::sampling::{Measurement, ratio};
use xtask::bench::verify::check_file;

fn machine() -> Machine {
    Machine {
        cpu: "Test CPU".into(),
        cores: 2,
        kernel: "6.0.0".into(),
        rustc: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
        cc: "cc (Debian 12.2.0-14) 12.2.0".into(),
        date: "2026-11-25 16:00 UTC".into(),
        pinned: true,
    }
}

fn m(id: &str, group: &str, unit: &str, values: &[f64]) -> Measurement {
    Measurement::new(
        id,
        group,
        format!("{id} & <co>"),
        unit,
        false,
        values.to_vec(),
    )
    .unwrap()
}

fn synthetic(skip_python: bool) -> Results {
    let slow = m("slow", "calls", "ns/call", &[3.0, 2.0, 2.5]);
    let fast = m("fast", "calls", "ns/call", &[1.0, 1.2, 0.9]);
    let mut measurements = vec![
        slow.clone(),
        fast.clone(),
        m("c1", "counters", "M increments/s", &[100.0, 110.0]),
        m("lost", "counters", "% lost", &[0.0, 0.0]),
        m("a", "arrays", "GB/s", &[20.0, 21.0, 19.0]),
        m("p", "processes", "ms", &[0.004, 40.0, 1.5]),
    ];
    let mut ratios = vec![ratio("r", "slow ÷ fast", &slow, &fast).target("≥ 2x", 2.0)];
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    if skip_python {
        skipped.push(Skipped {
            group: "python".into(),
            reason: "python3 is not installed".into(),
        });
    } else {
        let py = m("py", "python", "ns/call", &[250.0, 260.0]);
        let rs = m("rs", "python", "ns/call", &[2.0, 2.2]);
        ratios.push(ratio("pr", "py ÷ rs", &py, &rs).target("≥ 100x", 100.0));
        let ext = m("py_e3_ext_par_10000000", "python", "ms", &[9.0, 10.0]);
        let rust = m("rust_e3_rayon_10000000", "python", "ms", &[8.0, 9.0]);
        ratios.push(
            ratio("py_e3_ext_vs_rust_10000000", "ext ÷ rust", &ext, &rust)
                .target_at_most("within 15%", 1.15),
        );
        measurements.extend([py, rs, ext, rust]);
        notes.push(Note {
            group: "python".into(),
            text: "no free-threaded Python found".into(),
        });
    }
    Results {
        machine: machine(),
        mode: "quick".into(),
        python: None,
        measurements,
        ratios,
        skipped,
        notes,
    }
}

#[test]
fn every_table_and_figure_written_from_a_run_passes_the_suites_checks() {
    for skip_python in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let r = synthetic(skip_python);
        let mut files = write_tables(&r, dir.path()).unwrap();
        files.extend(write_figures(&r, dir.path()).unwrap());
        for f in &files {
            check_file(f).unwrap_or_else(|e| panic!("{}: {e:#}", f.display()));
        }
        let python_md = std::fs::read_to_string(dir.path().join("python.md")).unwrap();
        let python_svg = std::fs::read_to_string(dir.path().join("python.svg")).unwrap();
        if skip_python {
            assert!(python_md.contains("Skipped in this run: python3 is not installed"));
            assert!(python_svg.contains("python3 is not installed"));
        } else {
            assert!(python_md.contains("| py ÷ rs"), "{python_md}");
            // The extension's rows: a ceiling target judged as one, the note, its own colour.
            assert!(python_md.contains("| ext ÷ rust"), "{python_md}");
            assert!(python_md.contains("| within 15% ") && python_md.contains("| yes"));
            assert!(python_md.contains("_Note: no free-threaded Python found._"));
            assert!(python_svg.contains("Rust extension"), "no legend entry");
        }
        // Labels with markup characters must not break the SVG.
        let calls_svg = std::fs::read_to_string(dir.path().join("calls.svg")).unwrap();
        assert!(
            !calls_svg.contains("<co>"),
            "an unescaped label reached the SVG"
        );
        // Every figure carries the machine and the date.
        for (file, ..) in FIGURES {
            let svg = std::fs::read_to_string(dir.path().join(file)).unwrap();
            assert!(
                svg.contains("Test CPU") && svg.contains("2026-11-25 16:00 UTC"),
                "{file}"
            );
        }
    }
}

#[test]
fn the_checks_reject_a_truncated_figure_and_an_empty_table() {
    let dir = tempfile::tempdir().unwrap();
    let r = synthetic(false);
    write_tables(&r, dir.path()).unwrap();
    write_figures(&r, dir.path()).unwrap();
    let svg = dir.path().join("arrays.svg");
    let text = std::fs::read_to_string(&svg).unwrap();
    std::fs::write(&svg, &text[..text.len() / 2]).unwrap();
    assert!(check_file(&svg).is_err(), "a truncated SVG passed");
    let md = dir.path().join("calls.md");
    std::fs::write(&md, "").unwrap();
    assert!(check_file(&md).is_err(), "an empty table passed");
    let json = dir.path().join("results.json");
    std::fs::write(&json, "{\"machine\": 1}").unwrap();
    assert!(
        check_file(&json).is_err(),
        "a malformed results file passed"
    );
}

#[test]
fn the_measurements_chapter_uses_exactly_the_files_the_suite_writes() {
    let chapter = lab::workspace_root().join("mdbook/src/measurements.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let mut used = BTreeSet::new();
    for piece in text.split("figures/").skip(1) {
        let name: String = piece
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .collect();
        let name = name.trim_end_matches('.').to_string();
        if name.ends_with(".md") || name.ends_with(".svg") {
            used.insert(name);
        }
    }
    let mut written: BTreeSet<String> = FIGURES.iter().map(|f| f.0.to_string()).collect();
    written.extend(GROUPS.iter().map(|(g, _)| format!("{g}.md")));
    written.extend(["targets.md".to_string(), "machine.md".to_string()]);
    let missing: Vec<_> = written.difference(&used).collect();
    let unknown: Vec<_> = used.difference(&written).collect();
    assert!(missing.is_empty(), "the chapter does not show {missing:?}");
    assert!(
        unknown.is_empty(),
        "the chapter names files the suite never writes: {unknown:?}"
    );
}
