// Lesson 7, `proving-it`: the reference solution.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

// ANCHOR: model
/// One loom execution: two threads each take two ids from one fresh source made by `make`,
/// and all four ids must differ. Panics with "duplicate id" when two are equal.
pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || [other.next_id(), other.next_id()]);
    let mine = [source.next_id(), source.next_id()];
    let theirs = t.join().expect("the other thread panicked");
    let mut ids = [mine, theirs].concat();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "duplicate id: {mine:?} and {theirs:?}");
}
// ANCHOR_END: model
