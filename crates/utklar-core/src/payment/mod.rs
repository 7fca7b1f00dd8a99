//! Payment liability (*betalningsansvar*): agreements as data, the three model families,
//! exact amounts and auditable invoices (`docs/payments.md`).
//!
//! - [`Agreement`]: per care type a [`CareRule`]: the model family ([`Model`]: individual,
//!   average, mixed), grace days, day count, start, noon cut-off, the average's definition,
//!   period, threshold and evaluation window, billing basis, the mixed model's ceiling, and the
//!   [`Rate`]. TOML in and out; presets shipped as TOML ([`preset_names`], [`preset_text`],
//!   [`Agreement::preset`]).
//! - [`Amounts`]: integer öre per care day by year; only the sourced national amounts are
//!   built in, any other year is the caller's ([`crate::Error::MissingAmount`] otherwise).
//! - [`invoice`]: lines, totals with the evaluation, and every episode not billed with its
//!   reason. `billed episodes + not billed = episodes in`, always ([`Invoice::balances`]).
//! - [`compare`]: several agreements over the same episodes, side by side; [`sweep`]: a grid of
//!   thresholds × grace days over one agreement, fast (per-group histograms of days).
//!
//! ## The rules
//!
//! **The law's preconditions** (5 kap. 3 § and 5 §): an episode without an admission notice,
//! with a required SIP not called, or region-blocked is outside the liability population: never
//! billed, never part of an average. **Day counting**: day `k` of an episode is the care day
//! starting on start date + (k − 1) (calendar days) or the k-th working day from it; under
//! grace `g` the billed days are `g + 1 … n` where `n` counts the days from start to discharge,
//! plus the discharge day when `bill_discharge_day`; so `billed = max(0, n − g)`. With the noon
//! rule, `g` is one more when the start notice was sent strictly after 12:00:00. **Amounts**:
//! each billed day at its own calendar year's amount; rounded half away from zero to whole öre
//! once per line. **Averages**: per municipality, care type and period of discharge, over the
//! liability population (mixed: at or under the ceiling); liability when the mean is strictly
//! greater than the threshold (compared exactly, in thousandths of a day).
//!
//! ## Where the sources leave a choice
//!
//! - **Order of reasons**: a repeated `episode_id` (the first is kept), open, negative days,
//!   a ready, discharge or admission date outside 1990-01-01 … 2100-12-31 or a discharge or
//!   ready notice before admission (both `invalid_dates`), then the first failed precondition (admission
//!   notice, SIP, region), then the model. Negative days are always bad data in an invoice
//!   (never treated as day 0, which would lower an average).
//! - **One day count for everything**: grace, ceiling and the mean use the rule's `start` and
//!   `day_count`; the mean never includes the discharge day. Under working days, day `k` is the
//!   k-th working day from the start, and the discharge day is billable only on a working day.
//! - **Home-ready start**: without a home-ready time, or with one before the ready notice, the
//!   ready notice starts the count. The noon rule applies to the notice that starts the count.
//! - **Ceiling**: an episode is past it when its billable days (the discharge day included when
//!   billed) exceed it; it is billed days `ceiling + 1 …` priced by day number, without the
//!   noon rule, and is out of the average.
//! - **Windows**: `rolling_mean` pools days and counts of the last `n` periods (empty periods
//!   add nothing); `consecutive` makes a period liable when it and the `n − 1` before it are each
//!   above (an empty period breaks the run), so the first `n − 1` periods of a run are not billed
//!   retroactively; `block_mean` and `following_until_improved` use blocks of `n` periods
//!   aligned to the calendar (`ordinal / n`).
//! - **`excess_over_threshold`**: a liable period bills its own `max(0, days − threshold ×
//!   count)`, whichever window made it liable (so adding a day-0 episode never raises it); a
//!   liable period whose own mean is not above bills nothing and its episodes are
//!   `average_not_exceeded`. The days are priced at the amount of the period's year (or the
//!   fixed rate); tiers are refused there.
//! - **Persons**: distinct `patient_id` per period; an episode without one is its own person;
//!   windows add the persons of each period.
//! - **Totals**: one per municipality, care type and period with at least one valid closed
//!   episode; `mean_days` is the mean that decided the period (`period_mean_days` holds the
//!   period's own); under the individual model mean, threshold and triggered are `null`.
//! - **Amounts are exact or an error.** A line is at most 40 541 days at 100 × the largest
//!   amount per day, exact in 64 bits; every sum of lines (a total, the invoice's total, a
//!   comparison row, a sweep row and its per-municipality amounts) is accumulated in 128 bits
//!   and checked when the invoice, comparison or sweep is built: one that does not fit in 64
//!   bits is [`crate::Error::AmountOverflow`] naming the sum, the municipality, care type and
//!   period where it left the range, and the exact figure. So [`Invoice::amount_ore`] and any
//!   sum of an invoice's lines or totals is in range.
//! - **Thresholds** are compared exactly: a multiple of 0.001 day, `days × 1000 > threshold ×
//!   1000 × count`.
//!
//! ## An invoice under the law
//!
//! ```
//! use utklar_core::payment::{self, Agreement, Amounts, NotBilledReason};
//! use utklar_core::{CareType, Episode};
//!
//! let kalmar = "0880".parse()?;
//! let episodes = vec![
//!     // Ready before noon on 2 Dec 2024, discharged 10 Dec: days 4–8 billed (5 days).
//!     Episode::new("a", kalmar, CareType::Somatic, "2024-12-02T09:30".parse()?)
//!         .discharged("2024-12-10".parse()?),
//!     // Ready after noon: 4 grace days; discharged on day 5 (ready days 4): nothing billed.
//!     Episode::new("b", kalmar, CareType::Somatic, "2024-12-02T12:00:01".parse()?)
//!         .discharged("2024-12-06".parse()?),
//!     // Still in hospital.
//!     Episode::new("c", kalmar, CareType::Somatic, "2024-12-20".parse()?),
//! ];
//! let statutory = Agreement::preset("statutory")?;
//! let inv = payment::invoice(&episodes, &statutory, &Amounts::national())?;
//! assert_eq!(inv.lines.len(), 1);
//! assert_eq!(inv.lines[0].billed_days, 5.0);
//! assert_eq!(inv.amount_ore(), 5 * 1_160_000); // 2024: 11 600 kr per day
//! assert_eq!(inv.not_billed_count(NotBilledReason::WithinGrace), 1);
//! assert_eq!(inv.not_billed_count(NotBilledReason::Open), 1);
//! assert!(inv.balances());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Kalmar's model against the law
//!
//! ```
//! use utklar_core::payment::{self, Agreement, Amounts};
//! use utklar_core::synth::{generate, SynthOptions};
//!
//! let episodes = generate(&SynthOptions::kalmar_year(2024));
//! // Stays discharged in January 2024 began in December 2023, a year without a sourced
//! // national amount: the caller gives one (an illustrative figure here).
//! let amounts = Amounts::national().with(2023, 1_050_000)?;
//! let table = payment::compare(
//!     &episodes,
//!     &[("statutory", Agreement::preset("statutory")?), ("kalmar", Agreement::preset("kalmar")?)],
//!     &amounts,
//! )?;
//! assert_eq!(table.names, ["statutory", "kalmar"]);
//! let [law, kalmar] = [table.total_ore(0), table.total_ore(1)];
//! println!("statutory {} kr, kalmar {} kr", law / 100, kalmar / 100);
//! // Kalmar bills from day 4 like the law, but only when the month's mean exceeds 0.8 days
//! // and without the noon rule's extra day.
//! assert!(kalmar > 0 && law > 0);
//! for row in table.rows.iter().take(3) {
//!     println!("{} {} {}: {:?}", row.municipality, row.care_type, row.period, row.amount_ore);
//! }
//! # Ok::<(), utklar_core::Error>(())
//! ```

mod agreement;
mod amounts;
mod counties;
mod engine;
mod ledger;
mod whatif;

pub use agreement::{
    law_start, preset_names, preset_text, Agreement, AverageRule, Basis, CareRule, Change,
    DayCount, Evaluation, MeanDefinition, Model, Rate, RateKind, Start, Tier, Unit,
    MAX_DAYS_PARAMETER, MAX_PERCENT, MAX_TIER_DAY, MAX_WINDOW,
};
pub use amounts::{amount_source, Amounts, NATIONAL_AMOUNTS};
pub use counties::{counties, CountyAgreement, NO_SOURCE};
pub use engine::{
    invoice, Invoice, Line, LineOf as LedgerLine, LineSum, NotBilled, NotBilledReason, Rule, Total,
};
pub use ledger::{Ledger, LedgerInvoice};
pub use whatif::{compare, comparison_rows, sweep, Comparison, ComparisonRow, Sweep, SweepRow};

#[cfg(test)]
mod tests;
