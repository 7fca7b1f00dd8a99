//! # utklar-core
//!
//! Statistics and municipal payments for Swedish hospital patients who are ready for discharge
//! (*utskrivningsklara patienter*), under the Discharge Act (SFS 2017:612).
//!
//! This crate is pure: no I/O, no global mutable state, no `unsafe`. The command line, the
//! Python package and the C library are thin layers over it.
//!
//! The domain (the episode fields, counting days, periods and groups, each indicator with its
//! Swedish name and formula, the law's rules and the payment models, the bad-input reasons) is
//! explained in the repository's `docs/` directory (start at `docs/README.md`).
//!
//! ## Overview
//!
//! - [`Episode`]: one inpatient stay (*vårdtillfälle*) with its ready notice, discharge and the
//!   law's precondition flags; [`Municipality`] and [`County`] are validated SCB codes.
//! - [`validate`]: text rows to episodes, every problem named by row, field and [`Reason`].
//! - [`measure_episodes`] and [`measure_columns`]: the two entry points (values, or slices that
//!   Arrow and C arrays map onto) producing a [`MeasureSet`], the three measures per period,
//!   municipality and care type, which merges by addition.
//! - [`MeasureSet::indicators`] / [`indicators()`]: the national indicators per municipality,
//!   county or nation: goal attainment, mean days (without and with day 0 in the denominator),
//!   days per 1 000 inhabitants, occupied beds and bed share.
//! - [`extras`]: per-person counts, planned-date accuracy, 30-day readmissions and the census
//!   of patients still waiting.
//! - [`calendar`]: Swedish public holidays and working days; [`time`]: day numbers, notice
//!   times and the noon rule.
//! - [`payment`]: payment liability (*betalningsansvar*): [`Agreement`]s as data (TOML),
//!   the presets `statutory`, `kalmar`, `vgr` and `sormland`, [`Amounts`] in integer öre,
//!   auditable [`Invoice`]s ([`invoice`]), side-by-side comparisons and parameter sweeps.
//! - [`synth`]: a seeded generator of realistic episodes.
//! - [`personal_id`]: recognises Swedish personal identity numbers (*personnummer*,
//!   *samordningsnummer*) so that input holding them can be refused ([`Error::PersonalData`]).
//!
//! ## Usage
//!
//! ```
//! use utklar_core::{indicators, GroupBy, IndicatorOptions, Population, synth};
//!
//! // A generated year of Kalmar län.
//! let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2025));
//! let report = indicators(&episodes, &IndicatorOptions::default(), GroupBy::County,
//!                         Some(&Population::builtin()), None)?;
//! for row in report.rows.iter().take(2) {
//!     println!("{} {} {}: mean {:.1} days, goal attainment {:.0} %",
//!              row.group, row.care_type, row.period,
//!              row.mean_days.unwrap_or(f64::NAN), 100.0 * row.goal_attainment.unwrap_or(f64::NAN));
//! }
//! // Every row is accounted for.
//! assert!(report.exclusions.balances());
//! # Ok::<(), utklar_core::Error>(())
//! ```
//!
//! ## Payments
//!
//! What the municipalities owe under the law, or under a county's agreement (`docs/payments.md`): every
//! billed episode with its days, amount and rule, every other episode with its reason.
//!
//! ```
//! use utklar_core::{invoice, Agreement, Amounts, CareType, Episode};
//!
//! let e = Episode::new("e1", "0880".parse()?, CareType::Somatic, "2024-03-01T13:15".parse()?)
//!     .discharged("2024-03-10".parse()?);
//! // The law: the notice came after 12.00, so liability starts on day 5; days 5–9 are billed.
//! let inv = invoice(&[e], &Agreement::preset("statutory")?, &Amounts::national())?;
//! assert_eq!(inv.amount_ore(), 5 * 1_160_000); // 11 600 kr per day in 2024
//! assert!(inv.balances());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Untrusted input
//!
//! Nothing panics on bad input. Text rows go through [`validate::EpisodeReader`]; in lenient
//! mode a bad row is excluded and reported ([`ExclusionReport`]), in strict mode the call fails
//! with [`Error::Invalid`] listing every offending row.
//!
//! ## Performance
//!
//! The columnar entry point makes one pass with no allocation per row, into a dense array
//! indexed by period, municipality and care type (no hashing); day numbers map to months
//! through a lookup table. See ARCHITECTURE.md and the benches.
#![deny(missing_docs)]

// The layers, bottom to top; each imports only from the ones above it in this list.
pub mod error;
pub mod explain;
pub mod input;
pub mod measure;
pub mod model;
pub mod payment;
pub mod personal_id;
pub mod problem;
pub mod synth;
mod text;

// The modules of the model and of the measures, at the crate's root as well.
/// The input layer under its former name.
pub use input as validate;
pub use measure::{engine, extras, indicators, measures};
pub use model::{calendar, episode, municipality, period, reference, time};

pub use engine::{measure_columns, measure_episodes, EpisodeColumns, IndicatorOptions, MeasureSet};
pub use episode::{CareType, Episode};
pub use error::Error;
pub use indicators::{indicators, Group, GroupBy, IndicatorReport, IndicatorRow, Indicators};
pub use measures::Measures;
pub use municipality::{County, Municipality};
pub use payment::{invoice, Agreement, Amounts, Invoice};
pub use period::{Period, PeriodKind};
pub use reference::{Beds, Population, PopulationRow};
pub use time::NoticeTime;
pub use validate::{ExclusionReport, Field, Mode, NegativeDays, Problem, Reason};

/// The version of utklar-core.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The repository README's Rust example, compiled and run as a doctest (`cargo test --doc`),
/// so that the README cannot drift from the API. (`README.md` beside `Cargo.toml` is a link to
/// the repository's README, packaged as the crate's readme.)
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
