//! The report's model: every figure of the page, taken from utklar-core's own results
//! (indicator rows, invoice totals, the exclusion report). Nothing here computes a measure,
//! an indicator or an amount: it selects the county's rows, the months and the invoice
//! periods, and counts the core's not-billed verdicts per reason.

use std::fmt;

use utklar_core::input::{EpisodeFacts, EpisodeSet};
use utklar_core::payment::{
    self, counties, Agreement, Amounts, Invoice, MeanDefinition, NotBilledReason, Total,
};
use utklar_core::time::date_of_day;
use utklar_core::{
    CareType, County, Episode, Error, Group, GroupBy, IndicatorOptions, IndicatorRow, MeasureSet,
    Municipality, Period, PeriodKind, Population, Reason,
};

use crate::lang::Lang;

/// How many months the charts look back, the report's month included.
pub const MONTHS: usize = 12;

/// What to report: the county, the month, the agreement and the reference data.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The county (*län*).
    pub county: County,
    /// The month; `None`: the latest month with a discharged episode in the data.
    pub month: Option<Period>,
    /// The agreement the invoice is made under.
    pub agreement: Agreement,
    /// The amounts per care day.
    pub amounts: Amounts,
    /// Population for days per 1 000 inhabitants; `None` leaves that column empty.
    pub population: Option<Population>,
    /// Small-cell suppression of the municipalities' rows (`IndicatorReport::suppress_below`).
    pub suppress_below: Option<u64>,
    /// How the indicators count (period is always a month here).
    pub indicator_options: IndicatorOptions,
    /// The page's language.
    pub lang: Lang,
}

impl ReportOptions {
    /// Options for a county: its preset agreement when it has one, else the law's default
    /// (`statutory`); the built-in national amounts; no population; Swedish.
    ///
    /// ```
    /// use utklar_core::County;
    /// use utklar_report::ReportOptions;
    ///
    /// let kalmar = ReportOptions::new(County::new(8)?);
    /// assert_eq!(kalmar.agreement.name, "kalmar");
    /// let gotland = ReportOptions::new(County::new(9)?);
    /// assert_eq!(gotland.agreement.name, "statutory");
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn new(county: County) -> Self {
        ReportOptions {
            county,
            month: None,
            agreement: default_agreement(county),
            amounts: Amounts::national(),
            population: None,
            suppress_below: None,
            indicator_options: IndicatorOptions::default(),
            lang: Lang::Sv,
        }
    }
}

/// The county's preset agreement (`utklar_core::payment::counties`), else `statutory`.
pub fn default_agreement(county: County) -> Agreement {
    counties()
        .into_iter()
        .find(|c| c.county == county)
        .and_then(|c| c.preset)
        .and_then(|p| Agreement::preset(p).ok())
        .unwrap_or_else(Agreement::statutory)
}

/// Why a report could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReportError {
    /// The core refused the data or the agreement.
    Core(Error),
    /// The data hold no discharged episode, so there is no month to report.
    NoData,
    /// The month lies outside the months of the data.
    MonthOutsideData {
        /// The month asked for.
        month: Period,
        /// The first month with a discharged episode.
        first: Period,
        /// The last month with a discharged episode.
        last: Period,
    },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Core(e) => write!(f, "{e}"),
            ReportError::NoData => f.write_str("the data hold no discharged episode to report"),
            ReportError::MonthOutsideData { month, first, last } => write!(
                f,
                "the month {month} is outside the data, whose discharges run from {first} to {last}"
            ),
        }
    }
}

impl std::error::Error for ReportError {}

impl From<Error> for ReportError {
    fn from(e: Error) -> Self {
        ReportError::Core(e)
    }
}

/// The rows of the data: read, counted, open, outside the age limit, excluded by reason.
#[derive(Debug, Clone, PartialEq)]
pub struct DataAccount {
    /// Rows read.
    pub rows_in: u64,
    /// Rows counted in the measures (discharged, valid).
    pub counted: u64,
    /// Open episodes (no discharge yet).
    pub open: u64,
    /// Outside the age restriction.
    pub outside_age: u64,
    /// Excluded rows per reason (only reasons with rows).
    pub excluded: Vec<(Reason, u64)>,
    /// The first and last month with a discharged episode.
    pub months: (Period, Period),
}

/// The line the municipalities are drawn against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IndicatorLine {
    /// The agreement's threshold (Kalmar's 0.8 days), against the mean it defines.
    Threshold(f64),
    /// No threshold in the agreement: the county's own mean, month by month.
    CountyMean,
}

/// One chart: a municipality's mean ready days for the twelve months.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The municipality.
    pub municipality: Municipality,
    /// The mean per month (aligned with [`Report::months`]); `None` where there is no value
    /// (no episode, only day-0 episodes under the national definition, or suppressed).
    pub values: Vec<Option<f64>>,
}

/// Goal attainment of the county beside the nation's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NationComparison {
    /// The data cover the nation (every county has discharged episodes of the care type in
    /// the month): the two goal attainments.
    Covered {
        /// The county's.
        county: Option<f64>,
        /// The nation's.
        nation: Option<f64>,
    },
    /// The data do not cover the nation: how many of the 21 counties have data.
    NotCovered {
        /// Counties with discharged episodes of the care type in the month.
        counties: usize,
    },
}

/// One care type's part of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct CareSection {
    /// The care type.
    pub care_type: CareType,
    /// Which mean the charts show: the agreement's (when it has an average model) or the
    /// national definition.
    pub mean: MeanDefinition,
    /// The line drawn in every chart.
    pub indicator: IndicatorLine,
    /// The county's mean per month (the chosen definition), aligned with the months.
    pub county_series: Vec<Option<f64>>,
    /// One series per municipality of the county, in code order.
    pub series: Vec<Series>,
    /// The month's indicator row of each municipality (`None`: no discharged episode).
    pub table: Vec<(Municipality, Option<IndicatorRow>)>,
    /// The county's row for the month (`None`: no discharged episode in the county).
    pub county_row: Option<IndicatorRow>,
    /// Goal attainment beside the nation's.
    pub nation: NationComparison,
}

impl CareSection {
    /// Whether the county has discharged episodes of this care type in the month.
    pub fn has_data(&self) -> bool {
        self.county_row.is_some()
    }
}

/// Why a municipality is or is not liable in the invoice period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Liability {
    /// Average (or mixed) model, the mean exceeded the threshold.
    Liable {
        /// The mean that decided.
        mean: Option<f64>,
        /// The threshold.
        threshold: f64,
        /// The mixed model's individual ceiling in days (episodes past it are billed
        /// whatever the mean).
        ceiling: Option<u32>,
    },
    /// Average (or mixed) model, the mean did not exceed the threshold.
    NotLiable {
        /// The mean that decided.
        mean: Option<f64>,
        /// The threshold.
        threshold: f64,
        /// The mixed model's individual ceiling in days (episodes past it are billed
        /// whatever the mean).
        ceiling: Option<u32>,
    },
    /// Individual model: each episode is billed its days past the grace days.
    Individual,
    /// No valid closed episode of the municipality in the period.
    NoEpisodes,
}

/// One municipality's line of the month's invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    /// The municipality.
    pub municipality: Municipality,
    /// Liable or not, and why.
    pub liability: Liability,
    /// The core's total (`None`: no valid closed episode in the period).
    pub total: Option<Total>,
}

/// One care type's part of the month's invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceCare {
    /// The care type.
    pub care_type: CareType,
    /// The agreement's period that holds the month (a month, a quarter or a year).
    pub period: Period,
    /// Per municipality of the county, in code order.
    pub rows: Vec<InvoiceRow>,
    /// Billed days of the county (the sum of its lines of the care type and period).
    pub billed_days: f64,
    /// Amount of the county in öre (the sum of its lines, `Invoice::sum_of`).
    pub amount_ore: i64,
    /// Episodes of the county discharged in the period and not billed, per reason (only
    /// reasons with episodes).
    pub not_billed: Vec<(NotBilledReason, u64)>,
    /// Episodes of the county billed in the period.
    pub billed_episodes: u64,
}

/// The month's invoice, or why it could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum InvoicePart {
    /// The invoice per care type.
    Made {
        /// Somatic, then psychiatric care.
        care: Vec<InvoiceCare>,
        /// Open episodes of the county's municipalities (no discharge: in no period).
        open: u64,
        /// Rows of the file that could not be read (no municipality to place them under).
        unreadable: u64,
    },
    /// A billed day falls in a year without an amount: nothing is priced.
    MissingAmount {
        /// The year.
        year: i32,
    },
}

/// The agreement as the page names it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementInfo {
    /// The name (`kalmar`).
    pub name: String,
    /// The title.
    pub title: String,
    /// The source.
    pub source: String,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The county.
    pub county: County,
    /// The report's month.
    pub month: Period,
    /// The twelve months up to and including the month, oldest first.
    pub months: Vec<Period>,
    /// The page's language.
    pub lang: Lang,
    /// The rows of the data.
    pub data: DataAccount,
    /// Discharged episodes of the county in the month (all care types).
    pub county_episodes: u64,
    /// Somatic, then psychiatric care.
    pub care: Vec<CareSection>,
    /// The month's invoice.
    pub invoice: InvoicePart,
    /// The agreement.
    pub agreement: AgreementInfo,
    /// Whether a population was given (days per 1 000 inhabitants).
    pub population: bool,
    /// The suppression threshold applied, and how many municipality rows it blanked.
    pub suppressed: Option<(u64, usize)>,
}

fn mean_of(row: &IndicatorRow, def: MeanDefinition) -> Option<f64> {
    match def {
        MeanDefinition::InclDay0 => row.mean_days_incl_day0,
        MeanDefinition::ExclDay0 => row.mean_days,
    }
}

impl Report {
    /// Builds the report of a data set: the indicators per municipality, county and nation
    /// for every month ([`EpisodeSet::measure`]), the invoice under the agreement
    /// ([`EpisodeSet::invoice`]), and the county's rows of both.
    ///
    /// ```
    /// use utklar_core::input::{EpisodeFacts, EpisodeSet};
    /// use utklar_core::{synth, County, Period};
    /// use utklar_report::{Report, ReportOptions};
    ///
    /// let mut set = EpisodeSet::new();
    /// for (i, e) in synth::generate(&synth::SynthOptions::kalmar_year(2024)).into_iter().enumerate() {
    ///     set.push_episode(i, e);
    /// }
    /// let mut opts = ReportOptions::new(County::new(8)?);
    /// opts.month = Some(Period::month(2024, 6)?);
    /// opts.amounts = opts.amounts.with(2023, 1_160_000)?;
    /// let report = Report::build(&set, &opts)?;
    /// assert_eq!(report.months.len(), 12);
    /// assert!(report.care[0].has_data());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(set: &EpisodeSet, opts: &ReportOptions) -> Result<Report, ReportError> {
        let iopts = opts.indicator_options.clone().period(PeriodKind::Month);
        let measures = set.measure(&iopts)?;
        Self::from_parts(set, &measures, opts)
    }

    /// [`Report::build`] from a data set and its monthly measures (`set.measure`).
    pub fn from_parts(
        set: &EpisodeSet,
        measures: &MeasureSet,
        opts: &ReportOptions,
    ) -> Result<Report, ReportError> {
        let county = opts.county;
        let county_episodes: Vec<Episode> = set
            .episodes()
            .iter()
            .filter(|e| e.municipality.county() == county)
            .cloned()
            .collect();
        Self::of_measures(measures, &county_episodes, set.unreadable().len(), opts)
    }

    /// The report from the monthly measures of every row (`MeasureSet`), the county's own
    /// episodes (for its invoice) and the number of rows that could not be read: what
    /// [`ReportInput`] gathers while a file is read, without holding the other counties'
    /// episodes.
    pub fn of_measures(
        measures: &MeasureSet,
        county_episodes: &[Episode],
        unreadable: usize,
        opts: &ReportOptions,
    ) -> Result<Report, ReportError> {
        let exclusions = measures.report();
        let mut periods = measures
            .iter()
            .filter(|(_, _, _, m)| m.episodes() > 0)
            .map(|(p, _, _, _)| p);
        let first = periods.next().ok_or(ReportError::NoData)?;
        let (first, last) = periods.fold((first, first), |(a, b), p| (a.min(p), b.max(p)));
        let month = opts.month.unwrap_or(last);
        if month.kind() != PeriodKind::Month || month < first || month > last {
            return Err(ReportError::MonthOutsideData { month, first, last });
        }
        let mut months = Vec::with_capacity(MONTHS);
        let mut p = month;
        for _ in 0..MONTHS {
            months.push(p);
            p = p.prev();
        }
        months.reverse();

        let pop = opts.population.as_ref();
        let mut by_muni = measures.indicators(GroupBy::Municipality, pop, None);
        let suppressed = opts.suppress_below.map(|k| (k, by_muni.suppress_below(k)));
        let by_county = measures.indicators(GroupBy::County, pop, None);
        let by_nation = measures.indicators(GroupBy::Nation, pop, None);
        let county = opts.county;
        let munis: Vec<Municipality> = county.municipalities().collect();

        let care = [CareType::Somatic, CareType::Psychiatric]
            .into_iter()
            .map(|care| {
                let rule = opts.agreement.rule_on(care, month.first_day());
                let (mean, indicator) = match &rule.average {
                    Some(a) => (a.mean, IndicatorLine::Threshold(a.threshold_days)),
                    None => (MeanDefinition::ExclDay0, IndicatorLine::CountyMean),
                };
                let muni_row = |m: Municipality, p: Period| {
                    by_muni.rows.iter().find(|r| {
                        r.group == Group::Municipality(m) && r.care_type == care && r.period == p
                    })
                };
                let county_row = |p: Period| {
                    by_county.rows.iter().find(|r| {
                        r.group == Group::County(county) && r.care_type == care && r.period == p
                    })
                };
                let series = munis
                    .iter()
                    .map(|&m| Series {
                        municipality: m,
                        values: months
                            .iter()
                            .map(|&p| muni_row(m, p).and_then(|r| mean_of(r, mean)))
                            .collect(),
                    })
                    .collect();
                let county_series = months
                    .iter()
                    .map(|&p| county_row(p).and_then(|r| mean_of(r, mean)))
                    .collect();
                let table = munis
                    .iter()
                    .map(|&m| (m, muni_row(m, month).cloned()))
                    .collect();
                let counties_with_data = by_county
                    .rows
                    .iter()
                    .filter(|r| {
                        r.care_type == care && r.period == month && r.measures.episodes() > 0
                    })
                    .count();
                let nation = if counties_with_data == County::all().count() {
                    NationComparison::Covered {
                        county: county_row(month).and_then(|r| r.goal_attainment),
                        nation: by_nation
                            .rows
                            .iter()
                            .find(|r| r.care_type == care && r.period == month)
                            .and_then(|r| r.goal_attainment),
                    }
                } else {
                    NationComparison::NotCovered {
                        counties: counties_with_data,
                    }
                };
                CareSection {
                    care_type: care,
                    mean,
                    indicator,
                    county_series,
                    series,
                    table,
                    county_row: county_row(month).cloned(),
                    nation,
                }
            })
            .collect::<Vec<_>>();

        // The invoice of the county's episodes: liability is decided per municipality, care
        // type and period, so the other counties' episodes change none of its figures (the
        // tests compare it with the invoice of the whole file), and a national file costs
        // the county's share of the work.
        let invoice = match payment::invoice(county_episodes, &opts.agreement, &opts.amounts) {
            Ok(inv) => invoice_part(county_episodes, unreadable, &inv, opts, month)?,
            Err(Error::MissingAmount { year }) => InvoicePart::MissingAmount { year },
            Err(e) => return Err(e.into()),
        };
        let county_episodes = care
            .iter()
            .filter_map(|c| c.county_row.as_ref())
            .map(|r| r.measures.episodes())
            .sum();

        Ok(Report {
            county,
            month,
            months,
            lang: opts.lang,
            data: DataAccount {
                rows_in: exclusions.rows_in,
                counted: exclusions.counted,
                open: exclusions.open,
                outside_age: exclusions.outside_age,
                excluded: exclusions.reasons().filter(|(_, n)| *n > 0).collect(),
                months: (first, last),
            },
            county_episodes,
            care,
            invoice,
            agreement: AgreementInfo {
                name: opts.agreement.name.clone(),
                title: opts.agreement.title.clone(),
                source: opts.agreement.source.clone(),
            },
            population: opts.population.is_some(),
            suppressed,
        })
    }
}

/// The county's part of the invoice for the agreement's period holding `month`.
fn invoice_part(
    episodes: &[Episode],
    unreadable: usize,
    inv: &Invoice,
    opts: &ReportOptions,
    month: Period,
) -> Result<InvoicePart, Error> {
    let county = opts.county;
    // The episode of a not-billed position (positions are those of `episodes`).
    let episode_at = |i: usize| episodes.get(i);
    let care = [CareType::Somatic, CareType::Psychiatric]
        .into_iter()
        .map(|care| {
            let rule = opts.agreement.rule_on(care, month.first_day());
            let period = Period::of(rule.period, month.first_day());
            let invoice_rows: Vec<InvoiceRow> = county
                .municipalities()
                .map(|m| {
                    let total = inv.total(m, care, period).cloned();
                    let liability = match (&total, rule.average.as_ref()) {
                        (None, _) => Liability::NoEpisodes,
                        (Some(t), Some(a)) => match t.triggered {
                            Some(true) => Liability::Liable {
                                mean: t.mean_days,
                                threshold: t.threshold.unwrap_or(a.threshold_days),
                                ceiling: rule.ceiling_days,
                            },
                            _ => Liability::NotLiable {
                                mean: t.mean_days,
                                threshold: t.threshold.unwrap_or(a.threshold_days),
                                ceiling: rule.ceiling_days,
                            },
                        },
                        (Some(_), None) => Liability::Individual,
                    };
                    InvoiceRow {
                        municipality: m,
                        liability,
                        total,
                    }
                })
                .collect();
            let in_scope = |m: Municipality, c: CareType| m.county() == county && c == care;
            let sum =
                inv.sum_of(|l| in_scope(l.municipality, l.care_type) && l.period == period)?;
            let mut counts = [0u64; NotBilledReason::ALL.len()];
            for n in &inv.not_billed {
                let Some(e) = episode_at(n.index) else {
                    continue;
                };
                let Some(d) = e.discharged_at else { continue };
                if in_scope(e.municipality, e.care_type)
                    && Period::of(rule.period, date_of_day(d.day())) == period
                {
                    if let Some(k) = NotBilledReason::ALL.iter().position(|r| *r == n.reason) {
                        counts[k] += 1;
                    }
                }
            }
            Ok(InvoiceCare {
                care_type: care,
                period,
                rows: invoice_rows,
                billed_days: sum.billed_days,
                amount_ore: sum.amount_ore,
                not_billed: NotBilledReason::ALL
                    .iter()
                    .zip(counts)
                    .filter(|(_, n)| *n > 0)
                    .map(|(r, n)| (*r, n))
                    .collect(),
                billed_episodes: sum.episodes,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let open = inv
        .not_billed
        .iter()
        .filter(|n| n.reason == NotBilledReason::Open)
        .filter_map(|n| episode_at(n.index))
        .filter(|e| e.municipality.county() == county)
        .count() as u64;
    Ok(InvoicePart::Made {
        care,
        open,
        unreadable: unreadable as u64,
    })
}

/// The rows of a file as a report needs them, gathered one at a time in row order: the monthly
/// measures of every row (as [`EpisodeSet::measure`] gives them) and the county's own episodes,
/// so that a national file costs memory for one county's episodes only.
///
/// ```
/// use utklar_core::{synth, County, Period};
/// use utklar_core::input::{EpisodeFacts, EpisodeSet};
/// use utklar_report::{Report, ReportInput, ReportOptions};
///
/// let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2024));
/// let mut opts = ReportOptions::new(County::new(8)?);
/// opts.month = Some(Period::month(2024, 6)?);
/// opts.amounts = opts.amounts.with(2023, 1_160_000)?;
/// let mut input = ReportInput::new(&opts);
/// let mut set = EpisodeSet::new();
/// for (i, e) in episodes.into_iter().enumerate() {
///     input.push(i, Ok(e.clone()));
///     set.push_episode(i, e);
/// }
/// // The same report as from the whole data set.
/// assert_eq!(input.finish(&opts)?, Report::build(&set, &opts)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ReportInput {
    iopts: IndicatorOptions,
    measures: MeasureSet,
    county: County,
    county_episodes: Vec<Episode>,
    unreadable: usize,
}

impl ReportInput {
    /// An empty input for the report `opts` describes.
    pub fn new(opts: &ReportOptions) -> Self {
        ReportInput {
            iopts: opts.indicator_options.clone().period(PeriodKind::Month),
            measures: MeasureSet::new(PeriodKind::Month),
            county: opts.county,
            county_episodes: Vec::new(),
            unreadable: 0,
        }
    }

    /// Input row `row` (rows in increasing order): an episode, or a row that could not be read.
    pub fn push(&mut self, row: usize, read: Result<Episode, utklar_core::input::Unreadable>) {
        match read {
            Ok(e) => {
                self.measures.push(row, &e, &self.iopts);
                if e.municipality.county() == self.county {
                    self.county_episodes.push(e);
                }
            }
            Err(u) => {
                self.unreadable += 1;
                self.measures.push_problems(u.problems);
            }
        }
    }

    /// Input row `row` (rows in increasing order) as the input layer read it, checked
    /// ([`EpisodeReader::read_facts`](utklar_core::input::EpisodeReader::read_facts) and the
    /// duplicate check): its values and ids. The same as [`push`](Self::push) of the episode
    /// they make, without making it unless it is the county's.
    pub fn push_facts(
        &mut self,
        row: usize,
        facts: &EpisodeFacts,
        episode_id: &str,
        patient_id: Option<&str>,
    ) {
        self.measures.push_facts(row, facts, &self.iopts);
        if facts.municipality.county() == self.county {
            let e = (*facts).into_episode(episode_id.to_string(), patient_id.map(str::to_string));
            self.county_episodes.push(e);
        }
    }

    /// The report of the rows pushed.
    ///
    /// # Errors
    ///
    /// As [`Report::build`].
    pub fn finish(self, opts: &ReportOptions) -> Result<Report, ReportError> {
        let measures = self.measures.finish(&self.iopts)?;
        Report::of_measures(&measures, &self.county_episodes, self.unreadable, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utklar_core::synth;

    /// The values an episode's row reads into (what the CSV pipeline hands `push_facts`).
    fn facts_of(e: &Episode) -> EpisodeFacts {
        EpisodeFacts {
            municipality: e.municipality,
            care_type: e.care_type,
            admitted_at: e.admitted_at,
            ready_at: e.ready_at,
            discharged_at: e.discharged_at,
            home_ready_at: e.home_ready_at,
            planned_discharge_date: e.planned_discharge_date,
            age: e.age,
            admission_notice_sent: e.admission_notice_sent,
            sip_required: e.sip_required,
            sip_called: e.sip_called,
            region_blocked: e.region_blocked,
        }
    }

    #[test]
    fn push_facts_gives_the_report_of_push() {
        // Two counties, so that the other county's rows are measured but not kept.
        let episodes = synth::generate(&synth::SynthOptions {
            municipalities: County::new(8)
                .unwrap()
                .municipalities()
                .chain(County::new(9).unwrap().municipalities())
                .collect(),
            ..synth::SynthOptions::kalmar_year(2024)
        });
        let mut opts = ReportOptions::new(County::new(8).unwrap());
        opts.month = Some(Period::month(2024, 6).unwrap());
        opts.amounts = opts.amounts.with(2023, 1_160_000).unwrap();
        let (mut by_episode, mut by_facts) = (ReportInput::new(&opts), ReportInput::new(&opts));
        for (i, e) in episodes.iter().enumerate() {
            by_episode.push(i, Ok(e.clone()));
            by_facts.push_facts(i, &facts_of(e), &e.episode_id, e.patient_id.as_deref());
        }
        assert!(episodes
            .iter()
            .any(|e| e.municipality.county() != opts.county));
        assert_eq!(by_facts.county_episodes, by_episode.county_episodes);
        let report = by_facts.finish(&opts).unwrap();
        assert!(matches!(report.invoice, InvoicePart::Made { .. }));
        assert_eq!(report, by_episode.finish(&opts).unwrap());
    }
}
