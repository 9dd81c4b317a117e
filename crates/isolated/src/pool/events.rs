//! What an event does to the job. A frame is a reply to record (only a whole, valid reply to
//! the very task in flight counts), a handshake to check, or a failure in disguise; a failure
//! kills and reaps its worker, becomes a [`FaultReport`], and its task is either re-run on a
//! fresh worker or the job's error.

use super::Pool;
use super::event_loop::Event;
use super::slot::{Failure, Job};
use crate::codec::{Reply, Task};
use crate::error::{FaultReason, FaultReport, PoolError};
use crate::protocol::{self, FrameError, HEADER_LEN, Header, Op};
use crate::reduce::{Lost, TaskResults};

impl Pool {
    /// Handles `events` (of a job running `tasks`; none during the handshakes) and returns the
    /// lost tasks to re-run, each with its report. Events are handled from the highest slot
    /// index down, so removing a failed slot does not shift the ones still to handle; a slot's
    /// events after its first failure are dropped with it (a dead worker's request fails to
    /// send *and* its pipe reads as closed: one failure, not two).
    pub(super) fn handle(
        &mut self,
        mut events: Vec<Event>,
        tasks: &[Task<'_>],
        results: &mut TaskResults<Reply>,
    ) -> Result<Vec<(usize, FaultReport)>, PoolError> {
        events.sort_by_key(|e| std::cmp::Reverse(e.0)); // stable: a slot's events stay in order
        let mut lost = Vec::new();
        let mut removed = None;
        for (i, event) in events {
            if removed == Some(i) {
                continue; // slot `i` is gone; another worker may hold that index now
            }
            let failure = match event {
                Ok(h) => self.take_frame(i, h, results)?,
                Err(f) => Some(f),
            };
            if let Some(f) = failure {
                removed = Some(i);
                lost.extend(self.on_failure(i, f, tasks, results)?);
            }
        }
        Ok(lost)
    }

    /// A whole frame is in slot `i`'s input buffer: handle it, keeping the buffer for the next.
    fn take_frame(
        &mut self,
        i: usize,
        h: Header,
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<Failure>, PoolError> {
        let buf = std::mem::take(&mut self.slots[i].inbuf);
        let result = self.on_frame(i, h, &buf[HEADER_LEN..HEADER_LEN + h.len], results);
        self.slots[i].inbuf = buf;
        result
    }

    /// A frame arrived on slot `i`: record it, or return the failure it shows.
    fn on_frame(
        &mut self,
        i: usize,
        h: Header,
        payload: &[u8],
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<Failure>, PoolError> {
        let slot = &mut self.slots[i];
        let busy = slot
            .busy
            .take()
            .expect("frames are read from busy slots only");
        let Job::Task(t) = busy.job else {
            // A fresh worker's handshake.
            return match check_hello(&h, payload) {
                Ok(()) => Ok(None),
                Err(reason) => Err(PoolError::Handshake {
                    path: self.cfg.worker.clone(),
                    reason,
                }),
            };
        };
        if h.op == Op::Error {
            return Err(PoolError::Rejected {
                worker: slot.id,
                task: t,
                message: String::from_utf8_lossy(payload).into_owned(),
            });
        }
        let error = if let Some(why) = reply_mismatch(&h, busy.expect, t) {
            protocol::bad(h.op, why)
        } else {
            match Reply::decode(h.op, payload) {
                // ANCHOR: count_only_received
                // The only place a result enters the job: a whole, valid reply to this very
                // task. `TaskResults` refuses a second one.
                Ok(reply) => {
                    return results
                        .record(t, reply)
                        .map(|()| None)
                        .map_err(PoolError::Duplicate);
                }
                // ANCHOR_END: count_only_received
                Err(e) => e,
            }
        };
        slot.busy = Some(busy);
        Ok(Some(Failure::Frame(error)))
    }

    /// Slot `i` failed: kill and reap its worker, report, and decide about its task. Returns
    /// the task to re-run (a replacement worker is already starting), or the job's error.
    fn on_failure(
        &mut self,
        i: usize,
        failure: Failure,
        tasks: &[Task<'_>],
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<(usize, FaultReport)>, PoolError> {
        let mut slot = self.slots.remove(i);
        let busy = slot.busy.take();
        let status = slot.reap(matches!(failure, Failure::Eof | Failure::Pipe(_)));
        let reason = match failure {
            Failure::Eof => FaultReason::Died { status },
            Failure::TimedOut(after) => FaultReason::TimedOut { after },
            Failure::Frame(error) => FaultReason::BadFrame { error, status },
            Failure::Pipe(e) => FaultReason::Pipe {
                error: e.to_string(),
                status,
            },
        };
        let Some(busy) = busy else {
            return Ok(None);
        };
        let t = match busy.job {
            Job::Hello => {
                let path = self.cfg.worker.clone();
                let first = slot.received();
                return Err(match reason {
                    _ if !first.is_empty() && !protocol::could_be_header(first) => {
                        PoolError::NotAWorker {
                            path,
                            first: first.to_vec(),
                        }
                    }
                    FaultReason::BadFrame {
                        error: FrameError::Version { got },
                        ..
                    } => PoolError::StaleWorker { path, got },
                    other => PoolError::Handshake {
                        path,
                        reason: other.to_string(),
                    },
                });
            }
            Job::Task(t) => t,
        };
        let report = FaultReport {
            worker: slot.id,
            pid: slot.pid,
            task: t,
            task_desc: tasks[t].describe(),
            attempt: busy.attempt,
            reason,
        };
        match results.lost(t) {
            Lost::AlreadyDone => Ok(None),
            Lost::GiveUp { .. } => Err(PoolError::TaskFailed {
                report,
                retries: self.cfg.retries,
            }),
            Lost::Retry { .. } => {
                self.add_worker()?;
                Ok(Some((t, report)))
            }
        }
    }
}

/// Checks a fresh worker's answer to the handshake.
fn check_hello(h: &Header, payload: &[u8]) -> Result<(), String> {
    match h.op {
        Op::HelloOk if payload.len() == 4 => Ok(()),
        Op::HelloOk => Err(format!("a {}-byte HelloOk payload", payload.len())),
        Op::Error => Err(format!(
            "the worker refused: {}",
            String::from_utf8_lossy(payload)
        )),
        other => Err(format!("expected HelloOk, got {other:?}")),
    }
}

// ANCHOR: reply_mismatch
/// Why a reply's header does not answer the request in flight (`expect`ed reply opcode, task
/// `task`), or `None` when it does. A reply that fails this is never counted.
fn reply_mismatch(h: &Header, expect: Op, task: usize) -> Option<String> {
    if h.op != expect {
        Some(format!("expected a {expect:?} reply"))
    } else if h.task as usize != task {
        Some(format!("the reply names task {}, not {task}", h.task))
    } else {
        None
    }
}
// ANCHOR_END: reply_mismatch

#[cfg(test)]
mod tests {
    use super::*;

    fn header(op: Op, task: u32) -> Header {
        Header {
            op,
            fault: 0,
            task,
            len: 8,
        }
    }

    #[test]
    fn a_reply_to_the_task_in_flight_with_the_expected_opcode_is_accepted() {
        assert_eq!(
            reply_mismatch(&header(Op::Counted, 7), Op::Counted, 7),
            None
        );
    }

    #[test]
    fn a_reply_naming_another_task_is_refused() {
        let why = reply_mismatch(&header(Op::Counted, 8), Op::Counted, 7);
        assert_eq!(why.as_deref(), Some("the reply names task 8, not 7"));
    }

    #[test]
    fn a_reply_with_another_opcode_is_refused() {
        let why = reply_mismatch(&header(Op::SquaresOk, 7), Op::Counted, 7);
        assert_eq!(why.as_deref(), Some("expected a Counted reply"));
    }
}
