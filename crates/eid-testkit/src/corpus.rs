//! Corpus generation for benchmarks and batch tests (see the performance issue).
