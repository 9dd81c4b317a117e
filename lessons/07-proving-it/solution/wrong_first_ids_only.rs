// WRONG ANSWER (fixture): takes two ids on each thread but compares only each thread's first:
// a duplicate among the later ids goes unseen.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || [other.next_id(), other.next_id()]);
    let mine = [source.next_id(), source.next_id()];
    let theirs = t.join().expect("the other thread panicked");
    assert_ne!(mine[0], theirs[0], "duplicate id: {mine:?} and {theirs:?}");
}
