// WRONG ANSWER (fixture): recognises the broken kernel by its type's name and panics for it,
// without running anything concurrently: passes on the two kernels it knows, proves nothing
// about any other.

use crate::IdSource;

pub fn ids_are_unique<S: IdSource>(make: fn() -> S) {
    let _source = make();
    assert!(
        !std::any::type_name::<S>().ends_with("LoadStoreIds"),
        "duplicate id"
    );
}
