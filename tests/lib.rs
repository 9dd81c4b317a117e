//! Shared helpers for the workspace-level tests.

#![forbid(unsafe_code)]
