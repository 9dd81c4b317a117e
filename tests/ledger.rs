//! The claims ledger is complete and every witness exists.
//!
//! `mdbook/src/claims.md` is one table: a header, then one include per area fragment
//! (`mdbook/src/ledger/<area>.md`). This test fails when a fragment is malformed or not included,
//! when a row's witness (`test:<package>::<fn>`, `bench:<id>`, `file:<path>`) does not exist,
//! when a row's command names a package or test target that does not exist, or when a required
//! claim (S1–S6, M1–M6 and every kernel's safety claim) has no row, when the rows are not sorted
//! by ID (the article's S, M and E first, then the others by prefix) or the first row of an ID
//! does not carry its anchor (`<a id="s1"></a>S1`), and when a chapter links to
//! `claims.md#<anchor>` that no row carries.
//!
//! Run: `cargo test -p workspace-tests --test ledger`.

use std::path::PathBuf;

use xtask::book::claims;

fn book_src() -> PathBuf {
    lab::workspace_root().join("mdbook/src")
}

#[test]
fn every_ledger_witness_exists_and_every_required_claim_has_a_row() {
    let (rows, problems) = claims::check(&lab::workspace_root(), &book_src());
    assert!(
        problems.is_empty(),
        "the claims ledger has {} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| format!("  - {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Every required ID really is among the rows that were checked.
    for id in claims::REQUIRED_IDS {
        assert!(rows.iter().any(|r| r.id == *id), "{id} has no row");
    }
}

#[test]
fn the_ledger_check_fails_on_a_missing_witness_and_a_missing_claim() {
    // The same check over a copy of the book whose only fragment names a test that does not
    // exist and leaves every required claim out: it must report both kinds of problem.
    let (_dir, src) = workspace_tests::book_with_ledger_rows(
        "| S1 | a claim | `test:ffi::no_such_test_fn_here` | `cargo test -p ffi` |\n",
    );
    let (_, problems) = claims::check(&lab::workspace_root(), &src);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|p| p.contains("no `fn no_such_test_fn_here`")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|p| p.contains("required claim K-isolated has no row")),
        "{text:#?}"
    );
    assert!(
        !text.iter().any(|p| p.contains("required claim S1 ")),
        "S1 has a row: {text:#?}"
    );
}

#[test]
fn the_ledger_check_fails_on_rows_out_of_order_a_missing_anchor_and_a_dead_link() {
    let (_dir, src) = workspace_tests::book_with_ledger_rows(
        "| <a id=\"s2\"></a>S2 | a claim | `file:Cargo.toml` | `cargo test -p ffi` |\n\
         | S1 | a claim | `file:Cargo.toml` | `cargo test -p ffi` |\n",
    );
    std::fs::write(
        src.join("ch.md"),
        "See [S2](claims.md#s2) and [S9](claims.md#s9).\n",
    )
    .expect("write chapter");
    let (_, problems) = claims::check(&lab::workspace_root(), &src);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|p| p.contains(needle));
    assert!(has("ledger/x.md:2: S1 comes after S2"), "{text:#?}");
    assert!(
        has("the first S1 row must open with its anchor"),
        "{text:#?}"
    );
    assert!(has("ch.md:1: `claims.md#s9`"), "{text:#?}");
    assert!(!has("`claims.md#s2`"), "s2 exists: {text:#?}");
}
