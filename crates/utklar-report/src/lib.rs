//! # utklar-report
//!
//! The monthly follow-up report of a county (*Uppföljning av lagen om samverkan vid
//! utskrivning*): for each care type the twelve months of mean ready days per municipality
//! against the county's indicator, the month's indicators per municipality and for the county,
//! goal attainment beside the nation's, the month's invoice under the agreement and what was
//! excluded — as one self-contained HTML page (inline SVG and CSS, nothing fetched, A4 print
//! with a page break between sections).
//!
//! Two layers: [`Report`], the model, holds every figure, each taken from utklar-core's own
//! results (`EpisodeSet::measure` → `IndicatorRow`s, `EpisodeSet::invoice` → totals and
//! not-billed reasons); [`render_html`] draws it (charts with `plotters`' SVG backend, the page
//! with `maud`). No measure, indicator or amount is computed here.
//!
//! ```
//! use utklar_core::input::EpisodeSet;
//! use utklar_core::{synth, County};
//! use utklar_report::{render_html, Report, ReportOptions};
//!
//! let mut set = EpisodeSet::new();
//! for (i, e) in synth::generate(&synth::SynthOptions::kalmar_year(2024)).into_iter().enumerate() {
//!     set.push_episode(i, e);
//! }
//! let mut opts = ReportOptions::new(County::new(8)?);
//! opts.amounts = opts.amounts.with(2023, 1_160_000)?; // December 2023 days of January stays
//! let report = Report::build(&set, &opts)?;
//! let html = render_html(&report);
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Kalmar län"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod chart;
mod lang;
mod model;
mod render;

pub use chart::{AXIS_COLOUR, COUNTY_COLOUR, INDICATOR_COLOUR, MUNICIPALITY_COLOUR};
pub use lang::Lang;
pub use model::{
    default_agreement, AgreementInfo, CareSection, DataAccount, IndicatorLine, InvoiceCare,
    InvoicePart, InvoiceRow, Liability, NationComparison, Report, ReportError, ReportInput,
    ReportOptions, Series, MONTHS,
};
pub use render::{embed, render_html};
