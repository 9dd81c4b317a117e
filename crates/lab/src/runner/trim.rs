//! Trimming a failure report to what helps a student. A test that compares two 1,000-element
//! vectors prints both in full (about 8 KB on two lines): in `watch`, the one sentence that
//! teaches something scrolls out of sight. So long lines keep their head and tail with a count
//! of what was cut, `assert_eq!`'s `left:`/`right:` pair gains one line that says where the
//! two values first differ (element by element when they are lists), and a report of many lines
//! keeps its first and last ones. The untrimmed text stays in the run's log file.

use crate::group_digits;

/// A line longer than this many characters is cut to its head and tail.
pub const LINE_LIMIT: usize = 160;
/// How many characters of a cut line's head and tail are kept.
const KEEP: usize = 60;
/// A report with more lines than this keeps its first [`HEAD_LINES`] and last [`TAIL_LINES`].
const MAX_LINES: usize = 40;
const HEAD_LINES: usize = 28;
const TAIL_LINES: usize = 8;
/// How much of one differing element is shown.
const ELEMENT_LIMIT: usize = 60;

/// `text` with its long lines cut ([`line`]), a summary under each `left:`/`right:` pair that
/// needed cutting ([`first_difference`]), and at most [`MAX_LINES`] lines.
pub fn report(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let pair = lines[i].trim_start().strip_prefix("left: ").zip(
            lines
                .get(i + 1)
                .and_then(|r| r.trim_start().strip_prefix("right: ")),
        );
        match pair {
            Some((left, right)) if lines[i].len().max(lines[i + 1].len()) > LINE_LIMIT => {
                out.push(line(lines[i], LINE_LIMIT));
                out.push(line(lines[i + 1], LINE_LIMIT));
                out.push(format!("  ({})", first_difference(left, right)));
                i += 2;
            }
            _ => {
                out.push(line(lines[i], LINE_LIMIT));
                i += 1;
            }
        }
    }
    if out.len() > MAX_LINES {
        let elided = out.len() - HEAD_LINES - TAIL_LINES;
        let tail = out.split_off(out.len() - TAIL_LINES);
        out.truncate(HEAD_LINES);
        out.push(format!("… {elided} lines elided …"));
        out.extend(tail);
    }
    out.join("\n")
}

/// `text` if it has at most `limit` characters, else its head and tail around a count of the
/// characters cut.
pub fn line(text: &str, limit: usize) -> String {
    let count = text.chars().count();
    if count <= limit {
        return text.to_string();
    }
    let keep = KEEP.min(limit / 2);
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(count - keep).collect();
    let elided = count - 2 * keep;
    format!(
        "{head} … {} chars elided … {tail}",
        group_digits(elided as u64, ',')
    )
}

/// Where two `Debug` values first differ, in words: element by element when both hold one
/// list (`Ok([..])`, `[..]`, `Some(vec)`), else character by character, with their lengths.
pub fn first_difference(left: &str, right: &str) -> String {
    if let (Some((lp, l)), Some((rp, r))) = (list(left), list(right))
        && lp == rp
    {
        let sizes = format!(
            "left has {} elements, right has {}",
            group_digits(l.len() as u64, ','),
            group_digits(r.len() as u64, ',')
        );
        let show = |e: &str| format!("`{}`", line(e.trim(), ELEMENT_LIMIT));
        return match l.iter().zip(&r).position(|(a, b)| a.trim() != b.trim()) {
            Some(i) => format!(
                "{sizes}; the first difference is element {i}: left {}, right {}",
                show(l[i]),
                show(r[i])
            ),
            None if l.len() == r.len() => format!("{sizes}; they print the same"),
            None => {
                let (longer, side) = if l.len() > r.len() {
                    (&l, "left")
                } else {
                    (&r, "right")
                };
                let n = l.len().min(r.len());
                format!(
                    "{sizes}; the first {} are equal, and {side} goes on with {}",
                    group_digits(n as u64, ','),
                    show(longer[n])
                )
            }
        };
    }
    let (l, r): (Vec<char>, Vec<char>) = (left.chars().collect(), right.chars().collect());
    let sizes = format!(
        "left is {} chars long, right {}",
        group_digits(l.len() as u64, ','),
        group_digits(r.len() as u64, ',')
    );
    match l.iter().zip(&r).position(|(a, b)| a != b) {
        Some(i) => {
            let around = |s: &[char]| -> String {
                let from = i.saturating_sub(20);
                let to = (i + 20).min(s.len());
                s[from..to].iter().collect()
            };
            format!(
                "{sizes}; they first differ at char {i}: left `…{}…`, right `…{}…`",
                around(&l),
                around(&r)
            )
        }
        None => format!("{sizes}; one starts with the other"),
    }
}

/// A value holding one list: what comes before its `[` and its top-level elements. `None` when
/// there is no `[`, or its `]` is missing.
fn list(value: &str) -> Option<(&str, Vec<&str>)> {
    let open = value.find('[')?;
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut start = open + 1;
    let mut elements = Vec::new();
    for (i, c) in value.char_indices().skip_while(|(i, _)| *i < open) {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => {
                depth -= 1;
                if depth == 0 {
                    let last = value[start..i].trim();
                    if !last.is_empty() {
                        elements.push(&value[start..i]);
                    }
                    return Some((&value[..open], elements));
                }
            }
            ',' if depth == 1 => {
                elements.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(n: usize, last: f64) -> String {
        let mut v: Vec<String> = (0..n - 1)
            .map(|i| format!("{:?}", i as f64 * 0.25))
            .collect();
        v.push(format!("{last:?}"));
        format!("Ok([{}])", v.join(", "))
    }

    #[test]
    fn short_lines_are_kept_and_long_ones_keep_head_and_tail() {
        assert_eq!(line("short", 10), "short");
        let long = format!("{}{}", "a".repeat(100), "z".repeat(100));
        let cut = line(&long, 160);
        assert!(cut.starts_with(&"a".repeat(60)), "{cut}");
        assert!(cut.ends_with(&"z".repeat(60)), "{cut}");
        assert!(cut.contains("… 80 chars elided …"), "{cut}");
    }

    #[test]
    fn lists_are_compared_element_by_element() {
        let left = floats(1000, 0.0);
        let right = floats(1000, 249_001.0);
        assert_eq!(
            first_difference(&left, &right),
            "left has 1,000 elements, right has 1,000; the first difference is element 999: \
             left `0.0`, right `249001.0`"
        );
        let shorter = format!(
            "Ok([{}])",
            (0..3).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
        );
        assert_eq!(
            first_difference("Ok([0, 1])", &shorter),
            "left has 2 elements, right has 3; the first 2 are equal, and right goes on with `2`"
        );
        assert_eq!(
            first_difference("Ok([])", "Ok([1])"),
            "left has 0 elements, right has 1; the first 0 are equal, and right goes on with `1`"
        );
        // Nested brackets and strings with commas are one element each.
        assert_eq!(
            first_difference(r#"[(1, "a,b"), [2]]"#, r#"[(1, "a,b"), [3]]"#),
            "left has 2 elements, right has 2; the first difference is element 1: left `[2]`, \
             right `[3]`"
        );
    }

    #[test]
    fn other_values_are_compared_char_by_char() {
        assert_eq!(
            first_difference("Err(LengthMismatch)", "Ok([1.0])"),
            "left is 19 chars long, right 9; they first differ at char 0: left `…Err(LengthMismatch)…`, \
             right `…Ok([1.0])…`"
        );
        assert!(first_difference("abc", "abcd").ends_with("one starts with the other"));
    }

    #[test]
    fn a_flooding_assert_eq_report_is_cut_and_summarised() {
        let (left, right) = (floats(1000, 0.0), floats(1000, 249_001.0));
        let raw = format!(
            "thread 't' panicked at tests/exact.rs:47:5:\nassertion `left == right` failed: \
             the output must be as long as the input\n  left: {left}\n right: {right}"
        );
        let got = report(&raw);
        assert!(got.len() < 800, "{} chars:\n{got}", got.len());
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), 5, "{got}");
        assert!(lines[1].ends_with("the output must be as long as the input"));
        assert!(lines[2].starts_with("  left: Ok([0.0, 0.25") && lines[2].contains("chars elided"));
        assert!(lines[3].starts_with(" right: Ok([0.0, 0.25") && lines[3].ends_with("249001.0])"));
        assert!(lines[4].contains("element 999"), "{got}");
        // A short pair is left as it is, with no summary.
        let short = "  left: 1\n right: 2";
        assert_eq!(report(short), short);
    }

    #[test]
    fn a_report_of_many_lines_keeps_its_first_and_last() {
        let raw: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let got = report(&raw.join("\n"));
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), HEAD_LINES + 1 + TAIL_LINES);
        assert_eq!(lines[0], "line 0");
        assert_eq!(lines[HEAD_LINES], "… 64 lines elided …");
        assert_eq!(*lines.last().unwrap(), "line 99");
    }
}
