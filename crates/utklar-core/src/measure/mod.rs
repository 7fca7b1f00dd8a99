//! Measures and indicators: validated episodes in, the three measures per group and period
//! out ([`engine`], [`measures`]), grouped into the national indicators ([`indicators`]), and
//! the further measures of the same data ([`extras`]: persons, planned-date accuracy,
//! readmissions, the census). Depends on the model and the input layer, never the reverse.

pub mod also;
pub mod engine;
pub mod extras;
pub mod indicators;
pub mod measures;
