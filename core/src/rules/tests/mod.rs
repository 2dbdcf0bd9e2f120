//! Tests of the evaluator as a whole: the seed rules with worked numbers,
//! each reason code, caps, preview, validation, serialization, and property
//! tests. The modules' own unit tests sit beside their code.

mod caps;
mod checks;
mod preview;
mod props;
mod seeds_table;
mod support;
mod validation;
mod wire;
