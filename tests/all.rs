//! Every integration test but `generated_files`, in one test binary: one
//! build of `support` and one link instead of one per file, and one pool
//! of test threads for all of them.
//!
//! Each `tests/*.rs` below is a module of this crate, not a test binary of
//! its own (`autotests = false` in `Cargo.toml`): a new test file must be
//! added here. Run one file's tests by its module name, e.g.
//! `cargo test --test all lab::` (add `-- --include-ignored` as root).
//! `tests/generated_files.rs` stays a binary of its own, so that
//! `MCAST_REGENERATE=1 cargo test --test generated_files` refreshes the
//! generated files and runs nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

mod bad_input;
mod diagnostics;
mod doctor;
mod faults;
mod impair_harness;
mod lab;
mod media;
mod media_metrics;
mod monitor;
mod netns_harness;
mod network;
mod ping;
mod querier;
mod querier_silence;
mod recv_faults;
mod send_faults;
mod sockopt;
mod wine;
