//! Running a loom model with the exploration limit that a test states (only under `cfg(loom)`).
//!
//! `loom::model` reads `LOOM_MAX_PREEMPTIONS` from the environment. A test that claims
//! "exhaustive" or "under a preemption bound of 2" must not depend on that variable, so these
//! helpers set the bound in the test itself.

// ANCHOR: model_bounds
/// Explores *every* interleaving: no preemption bound, whatever `LOOM_MAX_PREEMPTIONS` says.
pub fn exhaustive<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = None;
    builder.check(f);
}

/// Explores every interleaving with at most `bound` preemptions per execution.
pub fn bounded<F>(bound: usize, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(bound);
    builder.check(f);
}
// ANCHOR_END: model_bounds
