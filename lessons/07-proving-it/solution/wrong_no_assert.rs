// WRONG ANSWER (fixture): runs two threads but asserts nothing.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || [other.next_id(), other.next_id()]);
    let mine = [source.next_id(), source.next_id()];
    let theirs = t.join().expect("the other thread panicked");
    let _ = (mine, theirs); // never compared: the model can find nothing
}
