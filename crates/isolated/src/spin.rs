//! Waiting for a pipe without falling asleep at once: look for a short while, then block.
//!
//! A small task's round trip is two pipe writes and two wake-ups. The writes cost about a
//! microsecond each; a wake-up of a process asleep on *another* core costs far more, because an
//! idle core has gone to sleep too (on a virtual machine its virtual CPU has been handed back to
//! the host), and waking it takes an inter-processor interrupt and tens of microseconds. On the
//! lab's 2-core reference machine a round trip measured 6 µs when the scheduler happened to put
//! parent and worker on one core, and 45–200 µs when it put them on two.
//!
//! So both sides of the pool's pipes [`poll`] for a bounded while before blocking: the parent
//! after it sends a request, the worker after it sends a reply ([`SpinRead`]). A reply or request
//! that comes within the window is found by a core that never slept. Between the looks the
//! waiter yields its core, so a process that has work on the same core still gets it. The cost
//! is at most [`DEFAULT`] of CPU time per wait, which MPI implementations pay the same way
//! (they busy-poll their shared-memory queues by default).

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// How long a waiter looks before it blocks: several small-task round trips' worth, and short
/// beside any task worth sending to another process.
pub const DEFAULT: Duration = Duration::from_micros(50);

/// `poll(2)` on `fds`: looks without waiting, yielding the core between looks, for up to `spin`;
/// then blocks for up to `timeout`. Returns what `poll` returned (the number of ready fds).
pub fn poll_spinning(fds: &mut [PollFd], spin: Duration, timeout: PollTimeout) -> nix::Result<i32> {
    if !spin.is_zero() {
        let start = Instant::now();
        loop {
            match poll(fds, PollTimeout::ZERO) {
                Ok(0) => {}
                ready => return ready,
            }
            if start.elapsed() >= spin {
                break;
            }
            std::thread::yield_now();
        }
    }
    poll(fds, timeout)
}

/// A reader that spins on its descriptor for up to `spin` before each read that would block.
/// Wrap it in a [`BufReader`](std::io::BufReader): then the spin happens only when the buffer is
/// empty, which is exactly when the next frame has not arrived yet.
#[derive(Debug)]
pub struct SpinRead<R> {
    inner: R,
    spin: Duration,
}

impl<R: Read + AsFd> SpinRead<R> {
    /// Reads `inner`, spinning up to `spin` (zero: plain blocking reads).
    pub fn new(inner: R, spin: Duration) -> Self {
        SpinRead { inner, spin }
    }
}

impl<R: Read + AsFd> Read for SpinRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.spin.is_zero() {
            let mut fds = [PollFd::new(self.inner.as_fd(), PollFlags::POLLIN)];
            // Readable, closed or failed: the read below says which. Blocking is the read's job.
            match poll_spinning(&mut fds, self.spin, PollTimeout::ZERO) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.inner.read(buf)
    }
}

/// The spin a worker was started with: `LAB_WORKER_SPIN_US` (microseconds), set by the pool
/// from [`PoolConfig::spin`](crate::PoolConfig::spin); [`DEFAULT`] for a worker started by hand.
pub fn from_env() -> Duration {
    std::env::var(crate::config::SPIN_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(DEFAULT, Duration::from_micros)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_spinning_reader_reads_what_was_written_and_sees_the_end() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let mut r = SpinRead::new(reader, Duration::from_micros(200));
        writer.write_all(b"ping").unwrap();
        let mut got = [0u8; 4];
        r.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"ping");
        drop(writer);
        assert_eq!(
            r.read(&mut got).unwrap(),
            0,
            "a closed pipe reads as the end"
        );
    }

    #[test]
    fn a_spinning_reader_still_blocks_for_data_that_comes_later() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let late = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20)); // well past the spin
            writer.write_all(b"late").unwrap();
        });
        let mut r = SpinRead::new(reader, Duration::from_micros(10));
        let mut got = [0u8; 4];
        r.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"late");
        late.join().unwrap();
    }

    #[test]
    fn a_ready_descriptor_is_found_while_spinning() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        writer.write_all(b"x").unwrap();
        let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLIN)];
        let n = poll_spinning(&mut fds, Duration::from_millis(1), PollTimeout::ZERO).unwrap();
        assert_eq!(n, 1);
        let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLOUT)];
        assert_eq!(
            poll_spinning(&mut fds, Duration::ZERO, PollTimeout::ZERO).unwrap(),
            0,
            "a read end is never writable"
        );
    }
}
