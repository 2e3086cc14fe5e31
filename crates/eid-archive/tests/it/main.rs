//! Integration tests of eid-archive: one binary, a module per area.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod amplification;
mod completeness;
mod crops;
mod decision;
mod fail_closed;
mod findings;
mod fuzz_replay;
mod hostile;
mod ida;
mod ida_refusals;
mod ida_schema;
mod media_scan;
mod properties;
mod reader;
mod round_three;
#[cfg(feature = "store")]
mod store;
mod support;
mod zip_structure;
