//! `cargo lab examples`: the article's three examples through the safe API.

use ffi::article;

use crate::Table;

/// Runs E1–E3 and prints what each returned, next to what the article expects.
pub fn run() -> anyhow::Result<()> {
    println!("{}", render());
    Ok(())
}

/// The examples' table as text (tested in `tests/examples_output.rs`).
pub fn render() -> String {
    let e1: Vec<String> = article::e1_square_map(10, 4)
        .into_iter()
        .map(|r| r.map_or("overflow".into(), |v| v.to_string()))
        .collect();
    let e2: Vec<String> = article::e2_threads_add(5)
        .into_iter()
        .map(|r| r.map_or("overflow".into(), |v| v.to_string()))
        .collect();
    let input: Vec<f64> = (0..100_000).map(|i| i as f64 * 0.5).collect();
    let e3 = article::e3_square_chunks(&input, 4);
    let e3_ok = e3.iter().zip(&input).all(|(o, i)| *o == i * i);

    let mut t = Table::new(["example", "what runs", "result"]);
    t.row([
        "E1",
        "square(1..=10) over 4 threads",
        &format!("[{}]", e1.join(", ")),
    ]);
    t.row([
        "E2",
        "5 threads, thread i calls add(i, i)",
        &format!("[{}]", e2.join(", ")),
    ]);
    t.row([
        "E3".to_string(),
        "square_array over 100 000 doubles, 4 chunks".to_string(),
        format!(
            "{} elements, last = {}, all equal x*x: {}",
            e3.len(),
            e3.last().copied().unwrap_or_default(),
            if e3_ok { "yes" } else { "NO" }
        ),
    ]);
    let mut s = String::from(
        "The article's three examples, through Rust's safe wrappers of the same C:\n\n",
    );
    s.push_str(&t.render());
    s.push_str(
        "\nE1 and E3 used a process pool in the article; here threads are enough because the\n\
         C functions share no state (`cargo lab demo` compares threads with processes).\n",
    );
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_table_shows_each_examples_expected_result() {
        let text = super::render();
        assert!(
            text.contains("[1, 4, 9, 16, 25, 36, 49, 64, 81, 100]"),
            "{text}"
        );
        assert!(text.contains("[0, 2, 4, 6, 8]"), "{text}");
        assert!(
            text.contains("100000 elements, last = 2499950000.25, all equal x*x: yes"),
            "{text}"
        );
    }
}
