// Lesson 7, `proving-it`: edit this file, then run `cargo test -p proving-it`.
//
// Write the body of a loom model. The grading tests run it under `loom::model` on several
// kernels: on every correct kernel it must pass in every interleaving, and on every broken one
// loom must find an interleaving where it panics with "duplicate id".

use crate::IdSource;

// ANCHOR: model
/// One loom execution: two threads each take two ids from one fresh source made by `make`,
/// and all four ids must differ. Panics with "duplicate id" when two are equal.
pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    // TODO: all four ids come from this one thread, one after the other, so nothing can
    // interleave and loom has nothing to explore. Put the source in a `loom::sync::Arc`,
    // take two ids on a thread started with `loom::thread::spawn` (give it its own clone),
    // take the other two here, join the thread, and only then compare all four.
    let source = make();
    let mine = [source.next_id(), source.next_id()];
    let theirs = [source.next_id(), source.next_id()];
    let mut ids = [mine, theirs].concat();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "duplicate id: {mine:?} and {theirs:?}");
}
// ANCHOR_END: model
