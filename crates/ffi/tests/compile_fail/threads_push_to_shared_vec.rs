// The source's second example appended to one shared list from five threads. Each thread would
// need `&mut results` at the same time: exactly what the borrow checker forbids. Rejected.
// (Fixes: return values from the threads and join them, or share a Mutex<Vec<_>>.)
// ANCHOR: shared_vec
fn main() {
    let mut results = Vec::new();
    std::thread::scope(|s| {
        for i in 0..5 {
            let results = &mut results;
            s.spawn(move || results.push(ffi::add(i, i)));
        }
    });
    println!("{results:?}");
}
// ANCHOR_END: shared_vec
