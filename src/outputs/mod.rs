//! What the tool writes, named once: the columns of every CSV file and the summary metrics
//! (name, unit, precision, which way is better). The writers in `report`, the readers in
//! `plot`, `check` and `merge`, and docs/outputs.md all go by these names, so a renamed
//! column or metric cannot leave one of them behind.

pub mod columns;
pub mod metrics;
