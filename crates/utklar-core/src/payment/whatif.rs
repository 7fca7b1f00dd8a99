//! What-if analysis: several agreements side by side, and a fast parameter sweep.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::agreement::{Agreement, Basis, DayCount, Model, RateKind};
use super::amounts::{add_ore, div_round, exact_ore, Amounts, At};
use super::engine::{
    decide_groups, excess_fraction, invoice_of, invoice_plain, period_rate, prepare, price_days,
    Decision, Invoice, Plain, Source, Total, CARES,
};
use crate::error::Error;
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::period::{Period, PeriodKind};
use crate::model::time::day_number;

/// Several agreements over the same episodes: one row per municipality, care type and period,
/// with each agreement's billed days and amount side by side (in the order of `names`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The agreements' names, in the order given.
    pub names: Vec<String>,
    /// The rows, by municipality, care type and period.
    pub rows: Vec<ComparisonRow>,
    /// The full invoice of each agreement (not serialized).
    #[serde(skip)]
    pub invoices: Vec<Invoice>,
}

/// One municipality, care type and period under every compared agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// The municipality.
    pub municipality: Municipality,
    /// The care type.
    pub care_type: CareType,
    /// The period: per care type the coarsest period of the compared agreements (a month
    /// rolls into its quarter when one agreement bills per quarter).
    pub period: Period,
    /// Billed days per agreement.
    pub billed_days: Vec<f64>,
    /// Amount in öre per agreement.
    pub amount_ore: Vec<i64>,
}

impl Comparison {
    /// The total amount in öre of agreement `i` (0 when out of range).
    pub fn total_ore(&self, i: usize) -> i64 {
        self.invoices.get(i).map_or(0, Invoice::amount_ore)
    }
}

/// Runs each agreement over the same episodes and puts the totals side by side.
///
/// Rows are per municipality, care type and period; for each care type the period is the
/// coarsest of the agreements' periods for it (month < quarter < year), so that every
/// agreement's totals add up into the same rows.
///
/// ```
/// use utklar_core::payment::{compare, Agreement, Amounts};
/// use utklar_core::synth::{generate, SynthOptions};
///
/// let eps = generate(&SynthOptions { episodes: 2_000, year: 2024, ..Default::default() });
/// // Some stays began in December 2023: the caller gives that year's amount.
/// let amounts = Amounts::national().with(2023, 1_050_000)?;
/// let c = compare(&eps, &[("law", Agreement::preset("statutory")?), ("vgr", Agreement::preset("vgr")?)],
///                 &amounts)?;
/// let by_rows: i64 = c.rows.iter().map(|r| r.amount_ore[1]).sum();
/// assert_eq!(by_rows, c.total_ore(1));
/// # Ok::<(), utklar_core::Error>(())
/// ```
pub fn compare<N: AsRef<str>>(
    episodes: &[Episode],
    agreements: &[(N, Agreement)],
    amounts: &Amounts,
) -> Result<Comparison, Error> {
    let src = Plain::new(episodes);
    let invoices = agreements
        .iter()
        .map(|(_, a)| invoice_plain(&src, a, amounts))
        .collect::<Result<Vec<_>, _>>()?;
    let agreements_only: Vec<&Agreement> = agreements.iter().map(|(_, a)| a).collect();
    let totals: Vec<&[Total]> = invoices.iter().map(|i| i.totals.as_slice()).collect();
    Ok(Comparison {
        names: agreements
            .iter()
            .map(|(s, _)| s.as_ref().to_string())
            .collect(),
        rows: comparison_rows(&agreements_only, &totals)?,
        invoices,
    })
}

/// The rows of a comparison ([`compare`]): each agreement's totals (in the order of
/// `agreements`) added up per municipality, care type and the coarsest period of the
/// agreements. For a caller that computes the invoices itself (on several threads, say):
/// `compare` is this over each agreement's [`invoice`](super::invoice).
///
/// ```
/// use utklar_core::payment::{comparison_rows, invoice, Agreement, Amounts};
/// use utklar_core::synth::{generate, SynthOptions};
///
/// let eps = generate(&SynthOptions { episodes: 500, year: 2024, ..Default::default() });
/// let amounts = Amounts::national().with(2023, 1_050_000)?;
/// let (law, vgr) = (Agreement::preset("statutory")?, Agreement::preset("vgr")?);
/// let invoices = [invoice(&eps, &law, &amounts)?, invoice(&eps, &vgr, &amounts)?];
/// let rows = comparison_rows(&[&law, &vgr], &[&invoices[0].totals, &invoices[1].totals])?;
/// let c = utklar_core::payment::compare(&eps, &[("law", law), ("vgr", vgr)], &amounts)?;
/// assert_eq!(rows, c.rows);
/// # Ok::<(), utklar_core::Error>(())
/// ```
pub fn comparison_rows(
    agreements: &[&Agreement],
    totals: &[&[Total]],
) -> Result<Vec<ComparisonRow>, Error> {
    let mut kinds = [PeriodKind::Month; 2];
    for (ci, care) in CARES.iter().enumerate() {
        for a in agreements {
            kinds[ci] = kinds[ci].max(a.rule(*care).period);
        }
    }
    let n = agreements.len();
    let mut table: BTreeMap<(u16, CareType, Period), ComparisonRow> = BTreeMap::new();
    for (i, inv) in totals.iter().enumerate() {
        for t in *inv {
            let kind = kinds[usize::from(t.care_type == CareType::Psychiatric)];
            let period = Period::of(kind, t.period.first_day());
            let row = table
                .entry((t.municipality.code(), t.care_type, period))
                .or_insert_with(|| ComparisonRow {
                    municipality: t.municipality,
                    care_type: t.care_type,
                    period,
                    billed_days: vec![0.0; n],
                    amount_ore: vec![0; n],
                });
            row.billed_days[i] += t.billed_days;
            // A row sums totals of one invoice, whose total is in range; checked all the same.
            let at = At {
                municipality: t.municipality,
                care: t.care_type,
                period,
            };
            row.amount_ore[i] = exact_ore(
                i128::from(row.amount_ore[i]) + i128::from(t.amount_ore),
                "comparison row",
                at,
            )?;
        }
    }
    Ok(table.into_values().collect())
}

/// The result of a parameter sweep: one row per (threshold, grace days) variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// The swept agreement's name.
    pub agreement: String,
    /// The municipalities of `amount_ore_by_municipality`, by code.
    pub municipalities: Vec<Municipality>,
    /// The variants, thresholds outer and grace days inner.
    pub rows: Vec<SweepRow>,
}

/// One variant of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepRow {
    /// The threshold set on every average (`None`: the agreement's own).
    pub threshold_days: Option<f64>,
    /// The grace days set on every rule that has grace days (`None`: the agreement's own).
    pub grace_days: Option<u32>,
    /// Billed days.
    pub billed_days: f64,
    /// The invoice amount in öre: exactly what [`super::invoice`] gives for the variant.
    pub amount_ore: i64,
    /// Municipality-periods found liable (average and mixed models).
    pub liable_periods: u64,
    /// The amount per municipality, aligned with [`Sweep::municipalities`].
    pub amount_ore_by_municipality: Vec<i64>,
}

/// The agreement with a threshold and grace days set everywhere they apply.
fn variant(
    agreement: &Agreement,
    threshold: Option<f64>,
    grace: Option<u32>,
) -> Result<Agreement, Error> {
    let mut a = agreement.clone();
    for care in CARES {
        let r = a.rule_mut(care);
        if let (Some(t), Some(avg)) = (threshold, r.average.as_mut()) {
            avg.threshold_days = t;
        }
        if let (Some(g), Some(old)) = (grace, r.grace_days.as_mut()) {
            *old = g;
        }
    }
    a.validate()?;
    Ok(a)
}

/// Suffix sums over values ≥ 1: `billed(g) = Σ max(0, v − g)`.
#[derive(Debug, Clone, Default)]
struct Suffix {
    cnt_ge: Vec<i64>,
    sum_ge: Vec<i64>,
}

impl Suffix {
    fn from_values(values: &[i64]) -> Self {
        let max = values.iter().copied().max().unwrap_or(0).max(0) as usize;
        let mut cnt = vec![0i64; max + 2];
        for &v in values {
            if v >= 1 {
                cnt[v as usize] += 1;
            }
        }
        let mut cnt_ge = vec![0i64; max + 2];
        let mut sum_ge = vec![0i64; max + 2];
        for v in (0..=max).rev() {
            cnt_ge[v] = cnt_ge[v + 1] + cnt[v];
            sum_ge[v] = sum_ge[v + 1] + cnt[v] * v as i64;
        }
        Suffix { cnt_ge, sum_ge }
    }

    #[inline]
    fn billed(&self, g: i64) -> i64 {
        let i = (g + 1).max(1) as usize;
        if i >= self.cnt_ge.len() {
            0
        } else {
            self.sum_ge[i] - g * self.cnt_ge[i]
        }
    }
}

/// Per group: the per-episode histograms by year boundary, and the constant parts.
#[derive(Debug, Clone, Default)]
struct GroupHist {
    /// Values `n − s` of the episodes billed per episode when the group is billed.
    total: Suffix,
    /// Per year boundary `y` (descending from the period's year): values `Jan 1 of y − start − s`.
    before: Vec<(i32, Suffix)>,
    /// The rate (öre per day) of each year from the period's year down, `None` when missing.
    rates: Vec<(i32, Option<i64>)>,
    /// Days and amount billed past the mixed model's ceiling (whatever the variant).
    ceiling: (i64, i128),
    /// The rate of a municipality-period line under `excess_over_threshold`.
    period_rate: Option<i64>,
}

/// Runs a grid of thresholds × grace days over one agreement.
///
/// Each variant sets `threshold_days` on every average and `grace_days` on every rule that has
/// grace days; an empty list keeps the agreement's own values. Every row equals what
/// [`super::invoice`] gives for that variant. With calendar days and a national or fixed rate
/// the sweep reads per-group histograms of days (suffix sums), so a variant costs a few
/// lookups per municipality-period, independent of the number of episodes; otherwise (working
/// days, tiers) each variant runs the full invoice.
///
/// ```
/// use utklar_core::payment::{invoice, sweep, Agreement, Amounts};
/// use utklar_core::synth::{generate, SynthOptions};
///
/// let eps = generate(&SynthOptions { episodes: 3_000, year: 2024, ..Default::default() });
/// let amounts = Amounts::national().with(2023, 1_050_000)?; // stays from December 2023
/// let kalmar = Agreement::preset("kalmar")?;
/// let s = sweep(&eps, &kalmar, &amounts, &[0.5, 0.8, 1.5], &[2, 3, 4])?;
/// assert_eq!(s.rows.len(), 9);
/// // The variant threshold 0.8 × grace 3 is Kalmar itself.
/// assert_eq!(s.rows[4].amount_ore, invoice(&eps, &kalmar, &amounts)?.amount_ore());
/// # Ok::<(), utklar_core::Error>(())
/// ```
pub fn sweep(
    episodes: &[Episode],
    agreement: &Agreement,
    amounts: &Amounts,
    thresholds: &[f64],
    grace_days: &[u32],
) -> Result<Sweep, Error> {
    sweep_of(
        &Plain::new(episodes),
        agreement,
        amounts,
        thresholds,
        grace_days,
    )
}

/// [`sweep`] over any source of episodes.
pub(crate) fn sweep_of<S: Source + ?Sized>(
    src: &S,
    agreement: &Agreement,
    amounts: &Amounts,
    thresholds: &[f64],
    grace_days: &[u32],
) -> Result<Sweep, Error> {
    let ts: Vec<Option<f64>> = if thresholds.is_empty() {
        vec![None]
    } else {
        thresholds.iter().map(|&t| Some(t)).collect()
    };
    let gs: Vec<Option<u32>> = if grace_days.is_empty() {
        vec![None]
    } else {
        grace_days.iter().map(|&g| Some(g)).collect()
    };
    let mut variants = Vec::with_capacity(ts.len() * gs.len());
    for &t in &ts {
        for &g in &gs {
            variants.push((t, g, variant(agreement, t, g)?));
        }
    }
    if !agreement.changes.is_empty() {
        return Err(Error::InvalidArgument {
            name: "agreement".into(),
            message: format!(
                "{} has periods of validity (changes): a sweep varies one rule; sweep the rules of each period as agreements of their own",
                agreement.name
            ),
        });
    }
    let prep = prepare(src, agreement)?;
    // The histograms assume every counted day is billable: an episode whose count starts
    // before the rule's law_from goes through the invoice itself.
    let fast = CARES.iter().all(|&c| {
        let r = agreement.rule(c);
        r.day_count == DayCount::Calendar && r.rate.kind != RateKind::Tiers
    }) && (0..src.len())
        .all(|i| prep.outcome(src, agreement, i).is_none_or(|p| p.law_k <= 1))
        && prep.groups.iter().all(|g| {
            let care = CARES[g.care];
            Period::from_ordinal(prep.kinds[g.care], g.ord).first_day()
                >= agreement.rule(care).billable_from(care)
        });
    let mut municipalities: Vec<Municipality> =
        prep.groups.iter().filter_map(|g| g.municipality).collect();
    municipalities.sort_unstable_by_key(|m| m.code());
    municipalities.dedup();
    let mut position = vec![usize::MAX; Municipality::all().count()];
    for (i, m) in municipalities.iter().enumerate() {
        position[m.index()] = i;
    }
    let name = agreement.name.clone();
    if !fast {
        let mut rows = Vec::with_capacity(variants.len());
        for (t, g, a) in &variants {
            let inv = invoice_of(src, a, amounts, &mut |_, _| {})?;
            let mut by = vec![0i64; municipalities.len()];
            for tot in &inv.totals {
                // A part of the invoice's total, which is in range; checked all the same.
                let slot = &mut by[position[tot.municipality.index()]];
                let at = At {
                    municipality: tot.municipality,
                    care: tot.care_type,
                    period: tot.period,
                };
                *slot = exact_ore(
                    i128::from(*slot) + i128::from(tot.amount_ore),
                    "municipality total",
                    at,
                )?;
            }
            rows.push(SweepRow {
                threshold_days: *t,
                grace_days: *g,
                billed_days: inv.billed_days(),
                amount_ore: inv.amount_ore(),
                liable_periods: inv
                    .totals
                    .iter()
                    .filter(|t| t.triggered == Some(true))
                    .count() as u64,
                amount_ore_by_municipality: by,
            });
        }
        return Ok(Sweep {
            agreement: name,
            municipalities,
            rows,
        });
    }

    // Histograms per group.
    let ng = prep.groups.len();
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); ng];
    let mut before_values: Vec<BTreeMap<i32, Vec<i64>>> = vec![BTreeMap::new(); ng];
    let mut hists: Vec<GroupHist> = vec![GroupHist::default(); ng];
    for i in 0..src.len() {
        let Some(p) = prep.outcome(src, agreement, i) else {
            continue;
        };
        if !p.liable {
            continue;
        }
        let g = &prep.groups[p.group];
        let care = CARES[g.care];
        let rule = agreement.rule(care);
        let per_episode = match rule.model {
            Model::Individual => true,
            _ => {
                p.in_average
                    && rule
                        .average
                        .as_ref()
                        .is_some_and(|a| a.basis == Basis::ExcessPerEpisode)
            }
        };
        if !p.in_average && rule.model == Model::Mixed {
            let c = i64::from(rule.ceiling_days.unwrap_or(0));
            let amount = price_days(rule, amounts, p.start, c + 1, p.n)?;
            hists[p.group].ceiling.0 += p.past_ceiling;
            hists[p.group].ceiling.1 += amount;
            continue;
        }
        if !per_episode {
            continue;
        }
        let e = p.n - p.s;
        if e < 1 {
            continue;
        }
        values[p.group].push(e);
        // Billed days never pass the discharge date, which lies in the group's period.
        let last_year = Period::from_ordinal(prep.kinds[g.care], g.ord).year();
        let first_year = crate::model::time::date_of_day(p.start).year();
        for y in (first_year + 1)..=last_year {
            let jan = day_number(
                chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(chrono::NaiveDate::MIN),
            );
            let q = i64::from(jan - p.start) - p.s;
            if q >= 1 {
                before_values[p.group].entry(y).or_default().push(q);
            }
        }
    }
    for (gi, g) in prep.groups.iter().enumerate() {
        let care = CARES[g.care];
        let rule = agreement.rule(care);
        let period = Period::from_ordinal(prep.kinds[g.care], g.ord);
        let h = &mut hists[gi];
        h.total = Suffix::from_values(&values[gi]);
        let top = period.last_day();
        let top_year = top.year();
        let mut years: Vec<i32> = before_values[gi].keys().copied().collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        h.before = years
            .iter()
            .map(|&y| (y, Suffix::from_values(&before_values[gi][&y])))
            .collect();
        let low_year = years.last().map_or(top_year, |y| y - 1);
        h.rates = (low_year..=top_year)
            .rev()
            .map(|y| {
                let r = match rule.rate.kind {
                    RateKind::Fixed => Some(rule.rate.ore.unwrap_or(0)),
                    _ => amounts.get(y).ok(),
                };
                (y, r)
            })
            .collect();
        h.period_rate = period_rate(rule, amounts, period).ok();
    }

    let mut decisions = vec![Decision::default(); ng];
    let mut rows = Vec::with_capacity(variants.len());
    for (t, g, a) in &variants {
        let thresholds = [a.somatic.threshold_milli(), a.psychiatric.threshold_milli()];
        decisions.fill(Decision::default());
        decide_groups(&prep, a, thresholds, &mut decisions);
        let mut by = vec![0i128; municipalities.len()];
        let mut total_ore = 0i128;
        let mut total_days = 0f64;
        let mut liable = 0u64;
        for (gi, grp) in prep.groups.iter().enumerate() {
            let care = CARES[grp.care];
            let rule = a.rule(care);
            let h = &hists[gi];
            let mut amount = h.ceiling.1;
            let mut days = h.ceiling.0 as f64;
            let billed_per_episode = match (&rule.average, rule.model) {
                (None, _) | (_, Model::Individual) => true,
                (Some(avg), _) => {
                    let d = decisions[gi];
                    if d.triggered {
                        liable += 1;
                    }
                    let (num, den) = excess_fraction(
                        (grp.sum_days, grp.count(rule)),
                        thresholds[grp.care].unwrap_or(0),
                    );
                    if d.triggered && avg.basis == Basis::ExcessOverThreshold && num > 0 {
                        let Some(rate) = h.period_rate else {
                            let period = Period::from_ordinal(prep.kinds[grp.care], grp.ord);
                            return Err(Error::MissingAmount {
                                year: period.year(),
                            });
                        };
                        amount += div_round(num * i128::from(rate), den);
                        days += num as f64 / den as f64;
                    }
                    d.triggered && avg.basis == Basis::ExcessPerEpisode
                }
            };
            if billed_per_episode {
                let grace = i64::from(rule.grace_days.unwrap_or(0));
                let billed = h.total.billed(grace);
                if billed > 0 {
                    days += billed as f64;
                    let mut upper = billed;
                    let mut rate_i = 0;
                    for (y, suffix) in &h.before {
                        let b = suffix.billed(grace);
                        let in_year = upper - b;
                        if in_year > 0 {
                            amount += i128::from(in_year)
                                * i128::from(year_rate(&h.rates, &mut rate_i, *y)?);
                        }
                        upper = b;
                    }
                    if upper > 0 {
                        let low = h.before.last().map_or(h.rates[0].0, |(y, _)| y - 1);
                        amount +=
                            i128::from(upper) * i128::from(year_rate(&h.rates, &mut rate_i, low)?);
                    }
                }
            }
            // Every figure here is exact in 128 bits (at most 40 177 days per episode at
            // most 100 × MAX_ORE each); what must fit in 64 bits is checked as the invoice
            // checks it: the group's total, and the running total of the variant.
            let municipality = grp
                .municipality
                .unwrap_or_else(|| Municipality::all().next().expect("municipalities"));
            let at = At {
                municipality,
                care,
                period: Period::from_ordinal(prep.kinds[grp.care], grp.ord),
            };
            exact_ore(amount, "total", at)?;
            by[position[municipality.index()]] += amount;
            total_ore = add_ore(total_ore, amount, "invoice total", at)?;
            exact_ore(total_ore, "invoice total", at)?;
            total_days += days;
        }
        rows.push(SweepRow {
            threshold_days: *t,
            grace_days: *g,
            billed_days: total_days,
            // Each is a part of the total, just checked.
            amount_ore: i64::try_from(total_ore).unwrap_or(i64::MAX),
            liable_periods: liable,
            amount_ore_by_municipality: by
                .into_iter()
                .map(|x| i64::try_from(x).unwrap_or(i64::MAX))
                .collect(),
        });
    }
    Ok(Sweep {
        agreement: name,
        municipalities,
        rows,
    })
}

/// The rate of year `y` from `rates` (descending years). Years are asked for in descending
/// order, so a cursor suffices. A missing amount is [`Error::MissingAmount`].
fn year_rate(rates: &[(i32, Option<i64>)], cursor: &mut usize, y: i32) -> Result<i64, Error> {
    while *cursor < rates.len() && rates[*cursor].0 > y {
        *cursor += 1;
    }
    match rates.get(*cursor) {
        Some(&(yy, Some(r))) if yy == y => Ok(r),
        _ => Err(Error::MissingAmount { year: y }),
    }
}

impl crate::input::EpisodeSet {
    /// [`compare`] over a data set: each agreement's invoice accounts for the unreadable rows
    /// and gives input rows, as [`EpisodeSet::invoice`](crate::input::EpisodeSet::invoice)
    /// does (unreadable rows bill nothing, so the rows side by side are those of the episodes).
    pub fn compare<N: AsRef<str>>(
        &self,
        agreements: &[(N, Agreement)],
        amounts: &Amounts,
    ) -> Result<Comparison, Error> {
        self.check_personal_ids()?;
        let mut c = compare(self.episodes(), agreements, amounts)?;
        for inv in &mut c.invoices {
            self.account(inv);
        }
        Ok(c)
    }

    /// [`sweep`] over a data set's episodes (unreadable rows bill nothing under any variant).
    pub fn sweep(
        &self,
        agreement: &Agreement,
        amounts: &Amounts,
        thresholds: &[f64],
        grace_days: &[u32],
    ) -> Result<Sweep, Error> {
        self.check_personal_ids()?;
        sweep(self.episodes(), agreement, amounts, thresholds, grace_days)
    }
}
