// WRONG ANSWER (fixture): joins the spawned thread before the main thread takes its ids, so
// the two threads never run at once and loom has nothing to interleave.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || [other.next_id(), other.next_id()]);
    let theirs = t.join().expect("the other thread panicked");
    let mine = [source.next_id(), source.next_id()];
    let mut ids = [mine, theirs].concat();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "duplicate id: {mine:?} and {theirs:?}");
}
