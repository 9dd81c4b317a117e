// Lesson 7, `proving-it`: edit this file, then run `cargo test -p proving-it`.
//
// Write the body of a loom model. The grading tests run it under `loom::model` twice: on the
// fixed kernel it must pass in every interleaving, and on the broken kernel loom must find an
// interleaving where it panics with "duplicate id".

use crate::IdSource;

// ANCHOR: model
/// One loom execution: two threads each take an id from a fresh source made by `make`, and
/// the two ids must differ. Panics with "duplicate id" when they do not.
pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    // TODO: both ids come from this one thread, one after the other, so nothing can
    // interleave and loom has nothing to explore. Put the source in a `loom::sync::Arc`,
    // take one id on a thread started with `loom::thread::spawn` (give it its own clone),
    // take the other id here, join the thread, and only then compare the two ids.
    let source = make();
    let a = source.next_id();
    let b = source.next_id();
    assert_ne!(a, b, "duplicate id");
}
// ANCHOR_END: model
