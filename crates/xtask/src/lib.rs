//! The maintainers' and CI's commands (`cargo xtask`): each subcommand is a module here, so tests
//! can drive them too. The student's runner is the `lab` crate; this crate uses its lesson table
//! and its time-limited process runner, and nothing points back.

#![forbid(unsafe_code)]

pub mod bench;
pub mod book;
pub mod leftovers;
pub mod loom;
pub mod mutants;
pub mod testall;
pub mod tsan;
pub mod verify;

/// The environment variable that lets a test whose tool is missing skip instead of fail.
pub const ALLOW_MISSING_TOOLS: &str = "LAB_ALLOW_MISSING_TOOLS";

/// For a test that needs `tool` and did not find it: fails, saying how to install it (`install`),
/// because a check that did not run has not passed. With `LAB_ALLOW_MISSING_TOOLS=1` it prints
/// that the test was skipped and returns, for a machine that cannot install the tool.
pub fn missing_tool(tool: &str, install: &str) {
    if std::env::var(ALLOW_MISSING_TOOLS).is_ok_and(|v| v == "1") {
        println!("skipped ({ALLOW_MISSING_TOOLS}=1): {tool} is not installed");
        return;
    }
    panic!(
        "{tool} is not installed, so this check cannot run: install it with `{install}` (or set \
         {ALLOW_MISSING_TOOLS}=1 to skip the tests that need it)"
    );
}
