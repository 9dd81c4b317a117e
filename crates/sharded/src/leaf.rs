//! The reentrant C increment, or under `cfg(loom)` its Rust model: the leaf call facade.
//! There is no global to model: the state is the caller's `&mut u64`.

#[cfg(not(loom))]
pub use ffi::increment_r;

/// Model of `lab_increment_r`: `*state = *state + 1` on the caller's own counter.
#[cfg(loom)]
pub fn increment_r(state: &mut u64) {
    *state += 1;
}
