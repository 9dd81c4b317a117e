// WRONG ANSWER (fixture): each thread takes ONE id. Enough for `LoadStoreIds`, but a kernel
// whose first call is safe and only a later call races is never seen racing.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || other.next_id());
    let a = source.next_id();
    let b = t.join().expect("the other thread panicked");
    assert_ne!(a, b, "duplicate id");
}
