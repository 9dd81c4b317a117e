//! The one table of lesson metadata (like rustlings' `info.toml`): stable names, folders,
//! book chapters, hints, and the wrong-answer fixtures that `cargo xtask verify` must see caught.
//!
//! A lesson is a crate `lessons/NN-topic/` whose package name is the lesson's stable name.
//! Students edit [`EXERCISE`]; [`SHIPPED`] is the untouched copy that `cargo lab reset`
//! restores; the cargo feature `solution` (or a fixture's feature) compiles another file in
//! the exercise's place, so nothing is ever copied to grade a variant.

use std::time::Duration;

/// The file students edit, relative to the lesson folder.
pub const EXERCISE: &str = "src/exercise.rs";
/// The exercise as shipped, relative to the lesson folder (`cargo lab reset` copies it back).
pub const SHIPPED: &str = "shipped/exercise.rs";
/// The reference solution, relative to the lesson folder (feature `solution`).
pub const SOLUTION: &str = "solution/exercise.rs";

/// One lesson.
#[derive(Debug)]
pub struct Lesson {
    /// Stable name = cargo package name: `cargo test -p <name>`.
    pub name: &'static str,
    /// Folder from the workspace root.
    pub dir: &'static str,
    /// What it teaches, in one line.
    pub topic: &'static str,
    /// Its book chapter, from the workspace root.
    pub chapter: &'static str,
    /// The hint `cargo lab hint` prints.
    pub hint: &'static str,
    /// Typical wrong answers, each proven caught by `cargo xtask verify`.
    pub fixtures: &'static [Fixture],
}

/// A typical wrong answer, kept as a file beside the solution and selected by a cargo feature.
#[derive(Debug)]
pub struct Fixture {
    /// The cargo feature, `wrong-*`; the file is `solution/wrong_*.rs`.
    pub feature: &'static str,
    /// The mistake, in words.
    pub mistake: &'static str,
    /// How the grading must react.
    pub caught: Caught,
}

/// How a wrong answer must be caught.
#[derive(Debug, Clone, Copy)]
pub enum Caught {
    /// A grading test fails, and its failure output contains this text.
    ByTest(&'static str),
    /// The exercise does not compile, and the compiler's error contains this text.
    ByCompiler(&'static str),
    /// The tests never end: the runner stops them after this limit (an endless loop).
    ByTimeLimit(Duration),
}

impl Lesson {
    /// The lesson folder's file `rel`, from the workspace root.
    pub fn path(&self, rel: &str) -> std::path::PathBuf {
        crate::workspace_root().join(self.dir).join(rel)
    }

    /// The command a student types.
    pub fn test_command(&self) -> String {
        format!("cargo test -p {}", self.name)
    }
}

// ANCHOR: lessons
/// Every lesson, in the order a student takes them.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        name: "calling-c",
        dir: "lessons/01-calling-c",
        topic: "calling C safely: wrappers, overflow, slices",
        chapter: "mdbook/src/lessons/01-calling-c.md",
        hint: "`ffi::square(x)` returns `Option<i32>`: `None` exactly where C's `int` would \
               overflow. Pair each input with its index (`.iter().enumerate()`), turn `None` \
               into `Err(Overflow { index, value })` with `.ok_or(..)`, and `collect()` into \
               a `Result<Vec<_>, _>`: it stops at the first error. For `squared`, `vec![0.0; n]` \
               has length n; `Vec::with_capacity(n)` has length 0. For `total`, \
               `try_fold(0, |sum, &x| ffi::add(sum, x))` stops at the first `None`.",
        fixtures: &[
            Fixture {
                feature: "wrong-saturating",
                mistake: "hides an overflow behind i32::MAX instead of reporting it",
                caught: Caught::ByTest("square_of_46341_is_reported_as_overflow"),
            },
            Fixture {
                feature: "wrong-raw-call",
                mistake: "calls the raw C function without `unsafe` (lessons contain none)",
                caught: Caught::ByCompiler("E0133"),
            },
            Fixture {
                feature: "wrong-endless-loop",
                mistake: "retries a call that can never succeed: loops forever",
                caught: Caught::ByTimeLimit(Duration::from_secs(20)),
            },
        ],
    },
    Lesson {
        name: "data-race",
        dir: "lessons/02-data-race",
        topic: "the data race, and making loom find it",
        chapter: "mdbook/src/lessons/02-data-race.md",
        hint: "Build a `Vec` of `super::thread::spawn(..)` handles first, each closure \
               `move`-ing its own `Arc::clone(&counter)` and looping `per_thread` times; then, \
               in a second loop, `join()` every handle; only then read `counter.get()`. \
               Joining inside the first loop runs the threads one by one, and loom can never \
               see two increments overlap.",
        fixtures: &[
            Fixture {
                feature: "wrong-forgot-join",
                mistake: "forgets to join: reads the counter while threads still run",
                caught: Caught::ByTest("read the counter only after joining every thread"),
            },
            Fixture {
                feature: "wrong-join-early",
                mistake: "joins each thread right after spawning it: they never overlap",
                caught: Caught::ByTest("did not panic as expected"),
            },
        ],
    },
    Lesson {
        name: "locks",
        dir: "lessons/03-locks",
        topic: "locks: C-side against Rust-side, the self-made global lock",
        chapter: "mdbook/src/lessons/03-locks.md",
        hint: "`let _guard = self.lock.lock().expect(..);` as the FIRST line of \
               `CSideLock::increment`: the guard unlocks when it goes out of scope, so the \
               load and the store both happen under it. For `LibraryLock::increment`, \
               `self.lib.lock().expect(..).increment()` calls the library through the guard. \
               Never call `get()` while holding the lock: a mutex is not re-entrant.",
        fixtures: &[
            Fixture {
                feature: "wrong-unlocked",
                mistake: "an unlocked read-modify-write",
                caught: Caught::ByTest("CSideLock lost an update"),
            },
            Fixture {
                feature: "wrong-read-only-lock",
                mistake: "the lock held around the read only, not the write",
                caught: Caught::ByTest("CSideLock lost an update"),
            },
            Fixture {
                feature: "wrong-deadlock",
                mistake: "takes the lock, then calls get(), which takes it again (self-deadlock)",
                caught: Caught::ByTest("deadlock"),
            },
        ],
    },
    Lesson {
        name: "atomics",
        dir: "lessons/04-atomics",
        topic: "atomics and sharding, and false sharing",
        chapter: "mdbook/src/lessons/04-atomics-and-sharding.md",
        hint: "`self.value.fetch_add(1, Ordering::Relaxed);` is one indivisible \
               read-modify-write. For the shards, put `#[repr(align(64))]` on `Slot` (or wrap \
               the atomic in `crossbeam_utils::CachePadded`): then neighbouring slots start a \
               cache line apart.",
        fixtures: &[
            Fixture {
                feature: "wrong-load-then-store",
                mistake: "a Relaxed load then a store instead of fetch_add",
                caught: Caught::ByTest("AtomicCounter lost an update"),
            },
            Fixture {
                feature: "wrong-unpadded",
                mistake: "unpadded shards: eight slots share a cache line (false sharing)",
                caught: Caught::ByTest("share a 64-byte cache line"),
            },
        ],
    },
    Lesson {
        name: "processes",
        dir: "lessons/05-processes",
        topic: "processes: isolation, a framed protocol, faults",
        chapter: "mdbook/src/lessons/05-processes.md",
        hint: "In `decode_reply`, check the length first (exactly 12 bytes), then the magic \
               bytes, and only then read the count with `u64::from_le_bytes`. In \
               `count_in_processes`, check `output.status.success()` before decoding, and turn \
               a failure into `Fault::Crashed` with the status: a crashed worker counted as 0 \
               is an update lost without a word. In `count_with_pool`, start the pool with \
               `config.retries(1)`.",
        fixtures: &[
            Fixture {
                feature: "wrong-ignores-exit-status",
                mistake: "trusts a worker's output without checking that it exited cleanly",
                caught: Caught::ByTest("a crashed worker must be reported"),
            },
            Fixture {
                feature: "wrong-no-length-check",
                mistake: "decodes a reply without checking its length",
                caught: Caught::ByTest("a reply of the wrong length is malformed"),
            },
            Fixture {
                feature: "wrong-no-retry",
                mistake: "no retry: one crashed pool worker fails the whole job",
                caught: Caught::ByTest("re-run that task once"),
            },
        ],
    },
    Lesson {
        name: "arrays",
        dir: "lessons/06-arrays",
        topic: "arrays and batching: rayon over disjoint &mut chunks",
        chapter: "mdbook/src/lessons/06-arrays-and-batching.md",
        hint: "Check the lengths first and return `Err(ffi::LengthMismatch { .. })`; zip would \
               silently stop at the shorter one. Then \
               `input.par_chunks(chunk).zip(out.par_chunks_mut(chunk))` gives each rayon task \
               one input chunk and its own disjoint `&mut` output chunk; call \
               `super::c::square_array(inp, outp)` once per pair.",
        fixtures: &[
            Fixture {
                feature: "wrong-sequential",
                mistake: "chunks on the calling thread with `chunks_mut`: no parallelism",
                caught: Caught::ByTest("outside rayon's pool"),
            },
            Fixture {
                feature: "wrong-per-item",
                mistake: "crosses into C once per element instead of once per chunk",
                caught: Caught::ByTest("calls into C"),
            },
            Fixture {
                feature: "wrong-no-length-check",
                mistake: "lets zip drop the tail when the lengths differ",
                caught: Caught::ByTest("LengthMismatch"),
            },
        ],
    },
    Lesson {
        name: "proving-it",
        dir: "lessons/07-proving-it",
        topic: "proving it: write the loom model for a new kernel",
        chapter: "mdbook/src/lessons/07-proving-it.md",
        hint: "Inside the model: make the source, wrap it in `Arc`, spawn a loom thread that \
               takes one id with its own clone, take another id on the main thread, join, and \
               `assert_ne!(a, b, \"duplicate id\")`. Two threads must really overlap, and the \
               model must assert what must never happen.",
        fixtures: &[
            Fixture {
                feature: "wrong-no-assert",
                mistake: "a model that runs the threads but asserts nothing",
                caught: Caught::ByTest("did not panic as expected"),
            },
            Fixture {
                feature: "wrong-one-thread",
                mistake: "a model with one thread: nothing can interleave",
                caught: Caught::ByTest("did not panic as expected"),
            },
        ],
    },
];
// ANCHOR_END: lessons

/// The lesson with this stable name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}

/// The lesson names, for error messages.
pub fn names() -> String {
    LESSONS
        .iter()
        .map(|l| l.name)
        .collect::<Vec<_>>()
        .join(", ")
}
