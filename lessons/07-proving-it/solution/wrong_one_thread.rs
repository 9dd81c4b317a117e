// WRONG ANSWER (fixture): one spawned thread takes every id: still only one thread touches the
// source, so nothing interleaves.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || {
        let mine = [other.next_id(), other.next_id()];
        let theirs = [other.next_id(), other.next_id()];
        (mine, theirs)
    });
    drop(source);
    let (mine, theirs) = t.join().expect("the other thread panicked");
    let mut ids = [mine, theirs].concat();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "duplicate id: {mine:?} and {theirs:?}");
}
