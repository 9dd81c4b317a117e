// Two threads calling the racy C increment through one shared handle would race.
// RacyCounter is !Sync, so `&RacyCounter` cannot be sent to the threads: rejected.
// ANCHOR: racy_not_sync
fn main() {
    let counter = ffi::RacyCounter::take().unwrap();
    std::thread::scope(|s| {
        s.spawn(|| counter.increment());
        s.spawn(|| counter.increment());
    });
}
// ANCHOR_END: racy_not_sync
