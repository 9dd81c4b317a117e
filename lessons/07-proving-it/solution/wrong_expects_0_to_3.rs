// WRONG ANSWER (fixture): asserts the ids are exactly 0, 1, 2 and 3. True of the two kernels in
// src/lib.rs, but the property is only that the ids differ: a correct kernel whose ids start
// elsewhere fails this model.

use loom::sync::Arc;
use loom::thread;

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let source = Arc::new(make());
    let other = Arc::clone(&source);
    let t = thread::spawn(move || [other.next_id(), other.next_id()]);
    let mine = [source.next_id(), source.next_id()];
    let theirs = t.join().expect("the other thread panicked");
    let mut ids = [mine, theirs].concat();
    ids.sort_unstable();
    assert_eq!(ids, [0, 1, 2, 3], "duplicate id: {mine:?} and {theirs:?}");
}
