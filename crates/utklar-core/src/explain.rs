//! One row per input row: how the indicators count it and, under an agreement, why it is (or
//! is not) on the invoice — the answer to "why is this patient on the invoice?"
//! (`docs/explain.md`).
//!
//! Nothing here decides anything. Whether a row counts in the indicators is the measure
//! engine's classification (the one [`MeasureSet::push`](crate::MeasureSet::push) uses);
//! whether it is billed, its billed days, amount and rule, or its not-billed reason, are the
//! payment engine's own per-episode results: its [`Line`]s and [`NotBilled`](crate::payment::NotBilled) entries, each
//! with the episode's position, and the municipality-period line that covers an episode
//! billed under `excess_over_threshold`. This module puts them side by side, row by row.
//!
//! ```
//! use utklar_core::explain::{Billing, Counting};
//! use utklar_core::input::EpisodeSet;
//! use utklar_core::{Agreement, Amounts, CareType, Episode, IndicatorOptions};
//!
//! let mut set = EpisodeSet::new();
//! let kalmar = "0880".parse()?;
//! set.push_episode(0, Episode::new("a", kalmar, CareType::Somatic, "2024-03-01T09:00".parse()?)
//!     .discharged("2024-03-10".parse()?));
//! set.push_episode(1, Episode::new("b", kalmar, CareType::Somatic, "2024-03-04".parse()?));
//! let statutory = Agreement::preset("statutory")?;
//! let x = set.explain(&IndicatorOptions::default(), Some((&statutory, &Amounts::national())))?;
//! let a = &x.rows[0];
//! assert_eq!((a.counting, a.ready_days), (Counting::Counted, Some(9)));
//! // Ready before noon: 3 grace days; days 4–9 are billed at 11 600 kr.
//! assert_eq!(a.billing, Some(Billing::Billed));
//! assert_eq!((a.billed_days, a.amount_ore), (Some(6.0), Some(6 * 1_160_000)));
//! assert_eq!(x.rows[1].counting, Counting::Open);
//! assert_eq!(x.rows[1].not_billed.map(|r| r.as_str()), Some("open"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Error;
use crate::input::{EpisodeSet, Reason};
use crate::measure::engine::{classify_episode, Classified, IndicatorOptions};
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::period::Period;
use crate::payment::{Agreement, Amounts, Invoice, Line, NotBilledReason, Rule, Total};

/// How the indicators take a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// In the measures of its period.
    Counted,
    /// Still in hospital: in no period (see the census).
    Open,
    /// Outside the `min_age` restriction (younger, or age unknown).
    OutsideAge,
    /// Left out as bad data; [`ExplainRow::reason`] names the first problem.
    Excluded,
}

impl Counting {
    /// The snake-case name (`outside_age`).
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Counted => "counted",
            Counting::Open => "open",
            Counting::OutsideAge => "outside_age",
            Counting::Excluded => "excluded",
        }
    }
}

impl fmt::Display for Counting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a row stands on the invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// On an invoice line of its own: [`ExplainRow::billed_days`], `amount_ore` and `rule`.
    Billed,
    /// Covered by its municipality-period's line (`average_over_threshold`): the days and the
    /// amount are the period's, on the invoice's line with no episode id, not the row's.
    PeriodLine,
    /// Not billed: [`ExplainRow::not_billed`] says why.
    NotBilled,
}

impl Billing {
    /// The snake-case name (`period_line`).
    pub fn as_str(self) -> &'static str {
        match self {
            Billing::Billed => "billed",
            Billing::PeriodLine => "period_line",
            Billing::NotBilled => "not_billed",
        }
    }
}

impl fmt::Display for Billing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input row explained. Fields that do not apply are `None` (null in JSON, empty in CSV).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainRow {
    /// The input row (0-based, data rows only).
    pub row: usize,
    /// The row's `episode_id`, when it has one.
    pub episode_id: Option<String>,
    /// The municipality (`None` for a row that could not be read).
    pub municipality: Option<Municipality>,
    /// The care type (`None` for a row that could not be read).
    pub care_type: Option<CareType>,
    /// The ready date.
    pub ready_date: Option<NaiveDate>,
    /// The discharge date (`None` while in hospital).
    pub discharge_date: Option<NaiveDate>,
    /// The period the indicators count the row in (counted rows only).
    pub period: Option<Period>,
    /// Ready days: as the indicators count them for a counted row (0 for negative days under
    /// the `day0` policy); otherwise discharge date − ready date when both are known (negative
    /// for *minusdagar*).
    pub ready_days: Option<i64>,
    /// How the indicators take the row.
    pub counting: Counting,
    /// The first problem of an excluded row.
    pub reason: Option<Reason>,
    /// Where the row stands on the invoice (`None` without an agreement).
    pub billing: Option<Billing>,
    /// The invoice's period of the row's municipality and care type (the agreement's period,
    /// which may differ from `period`), when the invoice has a total for it.
    pub invoice_period: Option<Period>,
    /// Billed care days of a row on its own line.
    pub billed_days: Option<f64>,
    /// The amount of a row on its own line, in öre (exact).
    pub amount_ore: Option<i64>,
    /// The rule that billed the row (`average_over_threshold` for a period line).
    pub rule: Option<Rule>,
    /// Why the row is not billed.
    pub not_billed: Option<NotBilledReason>,
    /// The mean that decided the row's municipality-period (average and mixed models).
    pub mean_days: Option<f64>,
    /// The agreement's threshold (average and mixed models).
    pub threshold: Option<f64>,
    /// Whether the municipality-period was liable (average and mixed models).
    pub triggered: Option<bool>,
}

impl ExplainRow {
    /// The column names of the flat table (CSV, Arrow, C), in order: the JSON field names.
    pub const FIELDS: [&'static str; 19] = [
        "row",
        "episode_id",
        "municipality",
        "care_type",
        "ready_date",
        "discharge_date",
        "period",
        "ready_days",
        "counting",
        "reason",
        "billing",
        "invoice_period",
        "billed_days",
        "amount_ore",
        "rule",
        "not_billed",
        "mean_days",
        "threshold",
        "triggered",
    ];

    fn unread(row: usize, episode_id: Option<String>, reason: Option<Reason>) -> Self {
        ExplainRow {
            row,
            episode_id,
            municipality: None,
            care_type: None,
            ready_date: None,
            discharge_date: None,
            period: None,
            ready_days: None,
            counting: Counting::Excluded,
            reason,
            billing: None,
            invoice_period: None,
            billed_days: None,
            amount_ore: None,
            rule: None,
            not_billed: None,
            mean_days: None,
            threshold: None,
            triggered: None,
        }
    }

    fn of_episode(row: usize, e: &Episode, opts: &IndicatorOptions) -> Self {
        let mut x = ExplainRow::unread(row, Some(e.episode_id.clone()), None);
        x.municipality = Some(e.municipality);
        x.care_type = Some(e.care_type);
        x.ready_date = Some(e.ready_at.date);
        x.discharge_date = e.discharged_at.map(|d| d.date);
        x.ready_days = e.ready_days().map(i64::from);
        match classify_episode(row, e, opts) {
            Classified::Counted(period, days) => {
                x.counting = Counting::Counted;
                x.period = Some(period);
                x.ready_days = Some(i64::from(days));
            }
            Classified::Open => x.counting = Counting::Open,
            Classified::OutsideAge => x.counting = Counting::OutsideAge,
            Classified::Excluded(problems) => {
                x.counting = Counting::Excluded;
                x.reason = problems.first().map(|p| p.reason);
            }
        }
        x
    }
}

/// Every input row explained, in input order, with the invoice they were explained against.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// One row per input row, in input order.
    pub rows: Vec<ExplainRow>,
    /// The invoice (with an agreement): its lines, totals and not-billed rows are what the
    /// rows' billing fields come from, so the rows' amounts plus its period lines' amounts are
    /// its total.
    pub invoice: Option<Invoice>,
}

impl Explanation {
    /// The sum of the rows' own amounts plus the amounts of the municipality-period lines
    /// (`average_over_threshold`): the invoice's total, in öre (exact; 128 bits).
    pub fn amount_ore(&self) -> i128 {
        let own: i128 = self
            .rows
            .iter()
            .filter_map(|r| r.amount_ore)
            .map(i128::from)
            .sum();
        let period_lines: i128 = self
            .invoice
            .iter()
            .flat_map(|inv| &inv.lines)
            .filter(|l| l.index.is_none())
            .map(|l| i128::from(l.amount_ore))
            .sum();
        own + period_lines
    }
}

/// The invoice's totals by municipality and care type, to find the one whose period holds a
/// date (a few dozen periods each) without a scan of all totals per row.
fn totals_by_group(inv: &Invoice) -> HashMap<(Municipality, CareType), Vec<&Total>> {
    let mut by: HashMap<(Municipality, CareType), Vec<&Total>> = HashMap::new();
    for t in &inv.totals {
        by.entry((t.municipality, t.care_type)).or_default().push(t);
    }
    by
}

/// Puts the invoice's per-episode results on the rows (positions are input rows, as
/// [`EpisodeSet::invoice`] gives them).
fn bill(rows: &mut [ExplainRow], inv: &Invoice) {
    // Rows by input row number: the rows are in input order, one per input row.
    let at = |rows: &[ExplainRow], row: usize| rows.binary_search_by_key(&row, |r| r.row).ok();
    for r in rows.iter_mut() {
        r.billing = Some(Billing::PeriodLine);
    }
    let lined = |rows: &mut [ExplainRow], l: &Line| {
        if let Some(i) = l.index.and_then(|row| at(rows, row)) {
            let r = &mut rows[i];
            r.billing = Some(Billing::Billed);
            r.billed_days = Some(l.billed_days);
            r.amount_ore = Some(l.amount_ore);
            r.rule = Some(l.rule);
            r.invoice_period = Some(l.period);
        }
    };
    for l in &inv.lines {
        lined(rows, l);
    }
    for n in &inv.not_billed {
        if let Some(i) = at(rows, n.index) {
            rows[i].billing = Some(Billing::NotBilled);
            rows[i].not_billed = Some(n.reason);
        }
    }
    let totals = totals_by_group(inv);
    for r in rows.iter_mut() {
        let (Some(m), Some(c), Some(d)) = (r.municipality, r.care_type, r.discharge_date) else {
            continue;
        };
        let Some(t) = totals
            .get(&(m, c))
            .and_then(|ts| ts.iter().find(|t| t.period.contains(d)))
        else {
            continue;
        };
        if r.billing == Some(Billing::PeriodLine) {
            r.rule = Some(Rule::AverageOverThreshold);
        }
        r.invoice_period = Some(t.period);
        r.mean_days = t.mean_days;
        r.threshold = t.threshold;
        r.triggered = t.triggered;
    }
}

/// Explains every row of a data set: how the indicators take it under `opts` and, with an
/// agreement and its amounts, its place on the invoice. Bad rows never stop it (it is how
/// they are found): `opts.mode` and the `error` negative-days policy are not applied.
pub fn explain(
    set: &EpisodeSet,
    opts: &IndicatorOptions,
    agreement: Option<(&Agreement, &Amounts)>,
) -> Result<Explanation, Error> {
    set.check_personal_ids()?;
    let mut rows: Vec<ExplainRow> = Vec::with_capacity(set.rows_in() as usize);
    let mut bad = set.unreadable().iter().peekable();
    let unread = |u: &crate::input::Unreadable| {
        ExplainRow::unread(
            u.row,
            u.episode_id.clone(),
            u.problems.first().map(|p| p.reason),
        )
    };
    for (e, &row) in set.episodes().iter().zip(set.rows()) {
        while let Some(u) = bad.next_if(|u| u.row < row) {
            rows.push(unread(u));
        }
        rows.push(ExplainRow::of_episode(row, e, opts));
    }
    rows.extend(bad.map(unread));
    let invoice = match agreement {
        None => None,
        Some((agreement, amounts)) => {
            let inv = set.invoice(agreement, amounts)?;
            bill(&mut rows, &inv);
            Some(inv)
        }
    };
    Ok(Explanation { rows, invoice })
}

impl EpisodeSet {
    /// Every row explained: see [`explain`](crate::explain::explain).
    pub fn explain(
        &self,
        opts: &IndicatorOptions,
        agreement: Option<(&Agreement, &Amounts)>,
    ) -> Result<Explanation, Error> {
        explain(self, opts, agreement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Row;
    use crate::problem::Field;
    use crate::synth::{generate, SynthOptions};
    use crate::Measures;

    fn kalmar_set() -> EpisodeSet {
        let mut set = EpisodeSet::new();
        for (i, e) in generate(&SynthOptions::kalmar_year(2024))
            .into_iter()
            .enumerate()
        {
            set.push_episode(i, e);
        }
        let mut bad = Row::default();
        bad.set(Field::EpisodeId, "bad");
        bad.set(Field::Municipality, "0999");
        bad.set(Field::CareType, "somatic");
        bad.set(Field::ReadyAt, "2024-05-05");
        set.push(set.rows_in() as usize, &bad);
        set
    }

    #[test]
    fn sums_equal_the_indicators_and_the_invoice() {
        let set = kalmar_set();
        let opts = IndicatorOptions::default();
        let amounts = Amounts::national().with(2023, 1_050_000).unwrap();
        for name in ["statutory", "kalmar", "vgr", "sormland", "vgr-low"] {
            let mut agreement = Agreement::preset(name.trim_end_matches("-low")).unwrap();
            if name == "vgr-low" {
                if let Some(a) = agreement.somatic.average.as_mut() {
                    a.threshold_days = 0.5;
                }
            }
            let x = set.explain(&opts, Some((&agreement, &amounts))).unwrap();
            assert_eq!(x.rows.len() as u64, set.rows_in());
            let inv = set.invoice(&agreement, &amounts).unwrap();
            assert_eq!(x.amount_ore(), i128::from(inv.amount_ore()), "{name}");
            let billed = x
                .rows
                .iter()
                .filter(|r| r.billing == Some(Billing::Billed))
                .count();
            assert_eq!(
                billed,
                inv.lines.iter().filter(|l| l.index.is_some()).count()
            );
            for (reason, n) in inv.not_billed_counts() {
                let got = x
                    .rows
                    .iter()
                    .filter(|r| r.not_billed == Some(reason))
                    .count();
                assert_eq!(got as u64, n, "{name} {reason}");
            }
            let covered: u64 = inv
                .lines
                .iter()
                .filter(|l| l.index.is_none())
                .map(|l| l.episodes)
                .sum();
            let period_rows = x
                .rows
                .iter()
                .filter(|r| r.billing == Some(Billing::PeriodLine))
                .count();
            assert_eq!(period_rows as u64, covered, "{name}");
            if name == "vgr-low" {
                // VGR bills a liable month's excess over the threshold as one line.
                assert!(period_rows > 0);
            }
        }
        let x = set.explain(&opts, None).unwrap();
        let m = set.measure(&opts).unwrap();
        let report = m.report();
        let count = |c: Counting| x.rows.iter().filter(|r| r.counting == c).count() as u64;
        assert_eq!(count(Counting::Counted), report.counted);
        assert_eq!(count(Counting::Open), report.open);
        assert_eq!(count(Counting::Excluded), report.excluded());
        assert_eq!(report.count(Reason::UnknownMunicipality), 1);
        // Per municipality, care type and period: the rows' episodes and ready days are the
        // measures'.
        for (p, muni, care, measures) in m.iter() {
            let mut mine = Measures::default();
            for r in x.rows.iter().filter(|r| {
                r.period == Some(p) && r.municipality == Some(muni) && r.care_type == Some(care)
            }) {
                mine.add_episode(u32::try_from(r.ready_days.unwrap()).unwrap());
            }
            assert_eq!(mine, measures, "{p} {muni} {care}");
        }
    }

    #[test]
    fn negative_days_and_age_follow_the_options() {
        let mut set = EpisodeSet::new();
        let k = "0880".parse().unwrap();
        let e = Episode::new("n", k, CareType::Somatic, "2024-03-05".parse().unwrap())
            .discharged("2024-03-03".parse().unwrap());
        set.push_episode(0, e);
        let x = set.explain(&IndicatorOptions::default(), None).unwrap();
        assert_eq!(x.rows[0].counting, Counting::Excluded);
        assert_eq!(x.rows[0].reason, Some(Reason::NegativeDays));
        assert_eq!(x.rows[0].ready_days, Some(-2));
        let day0 = IndicatorOptions::default().negative_days(crate::NegativeDays::Day0);
        let statutory = Agreement::statutory();
        let x = set
            .explain(&day0, Some((&statutory, &Amounts::national())))
            .unwrap();
        assert_eq!(x.rows[0].counting, Counting::Counted);
        assert_eq!(x.rows[0].ready_days, Some(0));
        // The invoice never takes negative days as day 0.
        assert_eq!(x.rows[0].not_billed, Some(NotBilledReason::NegativeDays));
        let old = IndicatorOptions::default().min_age(65);
        let x = set.explain(&old, None).unwrap();
        assert_eq!(x.rows[0].counting, Counting::Excluded);
    }
}
