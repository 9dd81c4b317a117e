//! Grading tests for lesson 7 (`proving-it`): they run YOUR model, on the two kernels of
//! `src/lib.rs` and on kernels it has never seen (`tests/unseen/mod.rs`). Do not edit: edit
//! `src/exercise.rs`.

mod unseen;

use std::panic::{self, AssertUnwindSafe};

use proving_it::{FetchAddIds, IdSource, LoadStoreIds, ids_are_unique};

/// Runs the model on `make` in every interleaving; `Err` holds its panic message.
fn run<S: IdSource>(make: fn() -> S) -> Result<(), String> {
    panic::catch_unwind(AssertUnwindSafe(|| {
        loom::model(move || ids_are_unique(make));
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

/// A correct kernel: the model must pass in every interleaving.
fn must_pass<S: IdSource>(make: fn() -> S, kernel: &str) {
    if let Err(message) = run(make) {
        panic!(
            "your model failed on {kernel}, which never hands out an id twice ({message}). A \
             correct kernel's ids need not start at 0, follow one another or go up: assert \
             only that the four ids differ"
        );
    }
}

/// A broken kernel: loom must find an interleaving where the model panics with "duplicate id".
fn must_find_the_duplicate<S: IdSource>(make: fn() -> S, kernel: &str, why: &str) {
    match run(make) {
        Ok(()) => {
            panic!("loom found no duplicate id in {kernel}, which can hand one out twice: {why}")
        }
        Err(message) if message.contains("duplicate id") => {}
        Err(message) => panic!(
            "your model failed on {kernel}, but not with the message \"duplicate id\": {message}"
        ),
    }
}

const OVERLAP: &str = "the two threads must take their ids at the same time (join only after \
                       the main thread has taken its own), and the model must compare every id";

#[test]
fn the_model_passes_on_the_fetch_add_kernel() {
    must_pass(FetchAddIds::new, "FetchAddIds");
}

/// Both threads load 0 before either stores: loom must FIND that interleaving.
#[test]
fn the_model_finds_the_duplicate_id_in_the_load_store_kernel() {
    must_find_the_duplicate(LoadStoreIds::new, "LoadStoreIds", OVERLAP);
}

#[test]
fn the_model_passes_on_an_unseen_kernel_whose_ids_start_at_100() {
    must_pass(
        unseen::exact_from_100,
        "an unseen fetch-add kernel whose ids start at 100",
    );
}

#[test]
fn the_model_passes_on_an_unseen_kernel_that_counts_down() {
    must_pass(
        unseen::exact_counting_down,
        "an unseen fetch-sub kernel (ids 1000, 999, ...)",
    );
}

#[test]
fn the_model_passes_on_an_unseen_compare_exchange_kernel_that_counts_in_threes() {
    must_pass(
        unseen::exact_by_3,
        "an unseen compare-exchange kernel (ids 0, 3, 6, ...)",
    );
}

#[test]
fn the_model_finds_the_duplicate_in_an_unseen_load_store_kernel_that_starts_at_7() {
    must_find_the_duplicate(
        unseen::racy_from_7,
        "an unseen load-then-store kernel whose ids start at 7",
        "its duplicates are 7 or 8, never 0, and its type is not LoadStoreIds: assert that the \
         ids differ, not something about their values or the kernel's name",
    );
}

#[test]
fn the_model_finds_a_duplicate_that_needs_a_second_id_on_each_thread() {
    must_find_the_duplicate(
        unseen::racy_after_the_first_id,
        "an unseen kernel whose first call is safe and whose later calls race",
        "each thread must take TWO ids, and the model must compare all four, not only the first \
         of each thread",
    );
}
