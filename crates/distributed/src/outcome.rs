//! What rank 0 says at the end of a job: one sentence for the reader, and one line of
//! `key=value` fields for the tests and the benchmark to read back ([`Outcome::parse`]).
//!
//! ```text
//! counter on 4 ranks: 4 x 1000000 increments, each rank on its own C counter: exact
//! result: job=counter ranks=4 got=4000000 expected=4000000 exact=true
//! ```
//!
//! `got` and `expected` are the job's answer on the ranks and in one process: the total for
//! the counter and E1, the squares' fingerprint (`e3::fingerprint`) for E3. A job that is not
//! exact makes `lab-mpi` exit with status 1.

use std::collections::BTreeMap;

/// The start of the machine-readable line.
pub const PREFIX: &str = "result: ";

/// A job's answer on the ranks beside the same job in one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `counter`, `e1` or `e3`.
    pub job: &'static str,
    /// How many ranks ran it.
    pub ranks: u32,
    /// The answer on the ranks.
    pub got: u64,
    /// The answer in one process.
    pub expected: u64,
    /// What was computed, in words (`4 x 1000000 increments, each rank on its own C counter`).
    pub what: String,
    /// More `key=value` fields for the machine line (E3's `mismatches`).
    pub extra: Vec<(&'static str, String)>,
}

impl Outcome {
    /// True when the ranks' answer is the one process's.
    pub fn exact(&self) -> bool {
        self.got == self.expected
            && self
                .extra
                .iter()
                .all(|(k, v)| *k != "mismatches" || v == "0")
    }

    /// The sentence for the reader.
    pub fn sentence(&self) -> String {
        let verdict = if self.exact() {
            "exact".to_string()
        } else {
            format!(
                "WRONG: {} on the ranks, {} in one process",
                self.got, self.expected
            )
        };
        format!(
            "{} on {} ranks: {}: {verdict}",
            self.job, self.ranks, self.what
        )
    }

    /// The `key=value` line.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{PREFIX}job={} ranks={} got={} expected={} exact={}",
            self.job,
            self.ranks,
            self.got,
            self.expected,
            self.exact()
        );
        for (k, v) in &self.extra {
            line.push_str(&format!(" {k}={v}"));
        }
        line
    }

    /// The fields of the first result line in `output` (what `lab-mpi` printed), if any.
    pub fn parse(output: &str) -> Option<BTreeMap<String, String>> {
        let line = output.lines().find_map(|l| l.strip_prefix(PREFIX))?;
        Some(
            line.split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(got: u64, mismatches: &str) -> Outcome {
        Outcome {
            job: "e3",
            ranks: 4,
            got,
            expected: 7,
            what: "10 doubles squared".into(),
            extra: vec![("mismatches", mismatches.into())],
        }
    }

    #[test]
    fn the_line_reads_back_and_says_whether_it_is_exact() {
        let ok = outcome(7, "0");
        assert_eq!(ok.sentence(), "e3 on 4 ranks: 10 doubles squared: exact");
        let fields = Outcome::parse(&format!("noise\n{}\n", ok.line())).unwrap();
        assert_eq!(fields["exact"], "true");
        assert_eq!(fields["mismatches"], "0");
        assert_eq!(fields["got"], "7");
        assert!(!outcome(8, "0").exact());
        assert!(!outcome(7, "2").exact(), "a mismatch is not exact");
    }
}
