//! Grading tests for lesson 7 (`proving-it`): they run YOUR model. Do not edit: edit
//! `src/exercise.rs`.

use proving_it::{FetchAddIds, LoadStoreIds, ids_are_unique};

/// On the fixed kernel, every interleaving must pass.
#[test]
fn the_model_passes_on_the_fetch_add_kernel() {
    loom::model(|| ids_are_unique(FetchAddIds::new));
}

/// On the broken kernel, loom must FIND the interleaving that hands out one id twice (both
/// threads load 0 before either stores). A model that cannot find it proves nothing.
#[test]
#[should_panic(expected = "duplicate id")]
fn the_model_finds_the_duplicate_id_in_the_load_store_kernel() {
    loom::model(|| ids_are_unique(LoadStoreIds::new));
}
