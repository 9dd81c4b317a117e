//! Spawning, pinning, joining: the one piece of the harness that differs under loom (loom has no
//! scoped threads and no cores). Both versions have the same signature and the same bounds, so
//! a kernel that compiles against one compiles against the other.

use std::time::Duration;

use crate::Config;

/// Runs `work(shared, slot)` on one thread per slot, all at once, and returns the wall time from
/// the moment they were released together to the last join.
///
/// Each thread gets `&mut` to its own slot (the slots are disjoint: `iter_mut` proves it) and
/// `&` to `shared`. When this returns, every thread has been joined: whatever the threads wrote
/// happens-before the caller's next line, which is what makes reducing the slots (or reading a
/// relaxed atomic) exact.
#[cfg(not(loom))]
// ANCHOR: on_threads
pub fn on_threads<'s, Sh, Sl, F>(
    pin: bool,
    shared: &Sh,
    slots: impl IntoIterator<Item = &'s mut Sl>,
    work: F,
) -> Duration
where
    Sh: Clone + Send + Sync + 'static,
    Sl: Clone + Send + 'static,
    F: Fn(&Sh, &mut Sl) + Send + Sync + 'static,
{
    use std::sync::Barrier;
    use std::time::Instant;

    let slots: Vec<&mut Sl> = slots.into_iter().collect();
    // Every thread waits here, so they start together. Each one reads the clock itself, after
    // the barrier and after its work: the run's time is from the first start to the last finish.
    // (Reading the clock on this thread instead would under-report whenever it is descheduled
    // while the workers run, which a busy 2-core machine does often.)
    let start_line = Barrier::new(slots.len());
    std::thread::scope(|s| {
        let threads: Vec<_> = slots
            .into_iter()
            .enumerate()
            .map(|(i, slot)| {
                let (work, start_line) = (&work, &start_line);
                s.spawn(move || {
                    if pin {
                        crate::pin_to_core(i); // core i % cores; left unpinned if the OS says no
                    }
                    start_line.wait();
                    let started = Instant::now();
                    work(shared, slot);
                    (started, Instant::now())
                })
            })
            .collect();
        // Join each thread explicitly (pthread_join, which ThreadSanitizer understands, rather
        // than the scope's implicit wait), and pass a thread's panic on.
        let mut span: Option<(Instant, Instant)> = None;
        for thread in threads {
            match thread.join() {
                Ok((start, end)) => {
                    span = Some(match span {
                        None => (start, end),
                        Some((s0, e0)) => (s0.min(start), e0.max(end)),
                    });
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        span.map_or(Duration::ZERO, |(start, end)| end - start)
    })
}
// ANCHOR_END: on_threads

/// Loom's version: loom threads instead of scoped OS threads. Each thread gets a clone of
/// `shared` (an `Arc` or a handle) and a copy of its slot, which comes back through `join` and
/// is written back, so the caller reduces the slots exactly as in the normal build.
#[cfg(loom)]
pub fn on_threads<'s, Sh, Sl, F>(
    pin: bool,
    shared: &Sh,
    slots: impl IntoIterator<Item = &'s mut Sl>,
    work: F,
) -> Duration
where
    Sh: Clone + Send + Sync + 'static,
    Sl: Clone + Send + 'static,
    F: Fn(&Sh, &mut Sl) + Send + Sync + 'static,
{
    let _ = pin; // loom threads are not OS threads: there is nothing to pin
    let started = std::time::Instant::now();
    let work = loom::sync::Arc::new(work);
    let slots: Vec<&mut Sl> = slots.into_iter().collect();
    let handles: Vec<_> = slots
        .iter()
        .map(|slot| {
            let (shared, work, mut mine) = (shared.clone(), work.clone(), (**slot).clone());
            loom::thread::spawn(move || {
                work(&shared, &mut mine);
                mine
            })
        })
        .collect();
    for (slot, handle) in slots.into_iter().zip(handles) {
        *slot = handle.join().expect("a model thread panicked");
    }
    started.elapsed()
}

/// Runs `work(shared)` on `cfg.threads` threads: the shape of the kernels that share one
/// counter (racy, mutex, atomic). See [`on_threads`].
pub fn each_thread<Sh, F>(cfg: &Config, shared: &Sh, work: F) -> Duration
where
    Sh: Clone + Send + Sync + 'static,
    F: Fn(&Sh) + Send + Sync + 'static,
{
    let mut no_slots = vec![(); cfg.threads];
    on_threads(cfg.pin, shared, no_slots.iter_mut(), move |shared, ()| {
        work(shared)
    })
}
