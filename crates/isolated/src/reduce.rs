//! Collect and reduce: the parent's bookkeeping for one job. [`TaskResults`] keeps one slot per
//! task (which tasks have a result, which were lost and may be retried), and [`sum_counts`]
//! reduces the counter job's results to its total. The pool and the loom model
//! (`tests/loom_reduce.rs`) use this same code, so the model checks the reduction the pool
//! really does.
//!
//! The rule that keeps totals exact: **a task counts only through a reply the parent received,
//! and at most once.** A worker that did the work and died before replying moved only its own
//! process's counter, which died with it; the parent never saw that work, so re-running the task
//! elsewhere counts it exactly once.

// ANCHOR: task_results
/// Results of one job, by task index, with the retry budget.
#[derive(Debug)]
pub struct TaskResults<T> {
    /// One slot per task: its result, once it arrived.
    results: Vec<Option<T>>,
    /// Attempts started, per task.
    attempts: Vec<u32>,
    /// Re-runs allowed per task after its first attempt.
    max_retries: u32,
    /// Tasks still without a result.
    missing: usize,
}

/// What to do with a task whose worker failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// Run it again (this will be attempt number `attempt`, counting from 1).
    Retry {
        /// The attempt about to start.
        attempt: u32,
    },
    /// The retry budget is spent (or retry is off): the job fails, with no total.
    GiveUp {
        /// Attempts made.
        attempts: u32,
    },
    /// Its result had already arrived: nothing is lost.
    AlreadyDone,
}

/// A second result for a task that already had one: refused, so nothing counts twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a second result for task {task} was refused")]
pub struct Duplicate {
    /// The task.
    pub task: usize,
}

impl<T> TaskResults<T> {
    /// Empty results for `tasks` tasks, each allowed `max_retries` re-runs after its first attempt.
    pub fn new(tasks: usize, max_retries: u32) -> Self {
        TaskResults {
            results: (0..tasks).map(|_| None).collect(),
            attempts: vec![1; tasks],
            max_retries,
            missing: tasks,
        }
    }

    /// Records the result of `task`. A second result for the same task is refused.
    pub fn record(&mut self, task: usize, value: T) -> Result<(), Duplicate> {
        let slot = &mut self.results[task];
        if slot.is_some() {
            return Err(Duplicate { task });
        }
        *slot = Some(value);
        self.missing -= 1;
        Ok(())
    }

    /// `task`'s worker failed before its reply arrived: retry it, or give up.
    pub fn lost(&mut self, task: usize) -> Lost {
        if self.results[task].is_some() {
            return Lost::AlreadyDone;
        }
        let made = self.attempts[task];
        if made > self.max_retries {
            return Lost::GiveUp { attempts: made };
        }
        self.attempts[task] = made + 1;
        Lost::Retry { attempt: made + 1 }
    }

    /// Attempts started for `task` so far.
    pub fn attempts(&self, task: usize) -> u32 {
        self.attempts[task]
    }

    /// True when every task has exactly one result.
    pub fn is_complete(&self) -> bool {
        self.missing == 0
    }

    /// Tasks still without a result.
    pub fn missing(&self) -> usize {
        self.missing
    }

    /// The results in task order, if every task has one; otherwise the first task without one.
    pub fn finish(self) -> Result<Vec<T>, usize> {
        let mut out = Vec::with_capacity(self.results.len());
        for (task, r) in self.results.into_iter().enumerate() {
            out.push(r.ok_or(task)?);
        }
        Ok(out)
    }
}
// ANCHOR_END: task_results

// ANCHOR: reduce
/// The counter job's reduction: the sum of the deltas the workers *reported*. Checked: a
/// total that overflows `u64` is an error, never a wrapped number.
pub fn sum_counts(deltas: &[u64]) -> Option<u64> {
    deltas.iter().try_fold(0u64, |acc, d| acc.checked_add(*d))
}
// ANCHOR_END: reduce

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_task_order_whatever_the_arrival_order() {
        let mut l = TaskResults::new(3, 0);
        l.record(2, "c").unwrap();
        l.record(0, "a").unwrap();
        assert!(!l.is_complete());
        assert_eq!(l.missing(), 1);
        l.record(1, "b").unwrap();
        assert!(l.is_complete());
        assert_eq!(l.finish().unwrap(), vec!["a", "b", "c"]);
    }

    #[test]
    fn a_second_result_is_refused_and_not_counted() {
        let mut l = TaskResults::new(2, 1);
        l.record(0, 5u64).unwrap();
        assert_eq!(l.record(0, 5), Err(Duplicate { task: 0 }));
        l.record(1, 7).unwrap();
        assert_eq!(sum_counts(&l.finish().unwrap()), Some(12));
    }

    #[test]
    fn a_lost_task_is_retried_within_the_budget_then_given_up() {
        let mut l: TaskResults<u64> = TaskResults::new(1, 2);
        assert_eq!(l.lost(0), Lost::Retry { attempt: 2 });
        assert_eq!(l.lost(0), Lost::Retry { attempt: 3 });
        assert_eq!(l.lost(0), Lost::GiveUp { attempts: 3 });
        assert_eq!(l.attempts(0), 3);
    }

    #[test]
    fn without_retry_the_first_loss_gives_up_and_finish_names_the_missing_task() {
        let mut l: TaskResults<u64> = TaskResults::new(2, 0);
        l.record(1, 1).unwrap();
        assert_eq!(l.lost(0), Lost::GiveUp { attempts: 1 });
        assert_eq!(l.finish(), Err(0));
    }

    #[test]
    fn losing_a_worker_after_its_reply_arrived_loses_nothing() {
        let mut l = TaskResults::new(1, 0);
        l.record(0, 1u64).unwrap();
        assert_eq!(l.lost(0), Lost::AlreadyDone);
    }

    #[test]
    fn sum_counts_refuses_to_wrap() {
        assert_eq!(sum_counts(&[u64::MAX, 1]), None);
        assert_eq!(sum_counts(&[]), Some(0));
    }
}
