//! Benchmarks for eid-audit: criterion benches of each stage (`benches/pipeline.rs`)
//! and the `floor` binary, which measures what the hardware allows for the same
//! bytes (reading and hashing them; decoding the same side images alone).
