// Lesson 7, `proving-it`: the reference solution.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

// ANCHOR: model
/// One loom execution: two threads each take an id from a fresh source made by `make`, and
/// the two ids must differ. Panics with "duplicate id" when they do not.
pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || other.next_id());
    let a = source.next_id();
    let b = t.join().expect("the other thread panicked");
    assert_ne!(a, b, "duplicate id");
}
// ANCHOR_END: model
