//! The measure engine: episodes in, [`MeasureSet`] out, through two entry points that give
//! identical results.
//!
//! - [`measure_episodes`] takes [`Episode`] values (chrono types; the ergonomic path);
//! - [`measure_columns`] takes [`EpisodeColumns`], plain slices of day numbers and codes that
//!   Arrow arrays and C arrays map onto without copying rows.
//!
//! Both classify each row with the same function (one home for every rule), in a single pass
//! with no allocation per episode, into a dense table indexed by period, municipality and care
//! type. A [`MeasureSet`] merges with another by addition, so chunks, threads and machines
//! combine into the same totals.
//!
//! ```
//! use utklar_core::{measure_episodes, measure_columns, EpisodeColumns, IndicatorOptions, synth};
//!
//! let episodes = synth::generate(&synth::SynthOptions { episodes: 2_000, ..Default::default() });
//! let opts = IndicatorOptions::default();
//! let by_value = measure_episodes(&episodes, &opts)?;
//!
//! let cols = synth::to_columns(&episodes);
//! let by_column = measure_columns(&cols.view(), &opts)?;
//! assert_eq!(by_value, by_column);
//! assert!(by_value.report().balances());
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::sync::OnceLock;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::input::rules::{check_row, RowView, Times};
use crate::input::value::SECONDS_PER_DAY;
use crate::input::{
    EpisodeFacts, EpisodeSet, ExclusionReport, Mode, NegativeDays, Problem, Reason,
};
use crate::measure::measures::Measures;
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::{Municipality, MUNICIPALITY_COUNT};
use crate::model::period::{Period, PeriodKind};
use crate::model::time::{self, MAX_DAY, MIN_DAY, NO_DATE};

/// Options of an indicator computation: build them from the defaults (month, negative days
/// excluded, no age restriction, lenient) with the setters; new options may be added in later
/// versions without breaking callers.
///
/// ```
/// use utklar_core::{IndicatorOptions, Mode, NegativeDays, PeriodKind};
///
/// let opts = IndicatorOptions::default()
///     .period(PeriodKind::Quarter)
///     .negative_days(NegativeDays::Day0)
///     .min_age(65)
///     .mode(Mode::Strict);
/// assert_eq!(opts.period, PeriodKind::Quarter);
/// assert_eq!(opts.min_age, Some(65));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct IndicatorOptions {
    /// Month, quarter or year (default month).
    pub period: PeriodKind,
    /// What to do with negative days (default exclude).
    pub negative_days: NegativeDays,
    /// Only episodes of patients at least this old (SKR used 65 for 2014–2016); none by
    /// default. With a minimum age, an episode with no age is outside the restriction.
    pub min_age: Option<u16>,
    /// Strict: fail with every bad row listed. Lenient (default): exclude and report.
    pub mode: Mode,
}

impl IndicatorOptions {
    /// The defaults: month, negative days excluded, no age restriction, lenient.
    pub fn new() -> Self {
        IndicatorOptions::default()
    }

    /// Periods of `period` (month, quarter, year).
    #[must_use]
    pub fn period(mut self, period: PeriodKind) -> Self {
        self.period = period;
        self
    }

    /// What to do with negative days.
    #[must_use]
    pub fn negative_days(mut self, policy: NegativeDays) -> Self {
        self.negative_days = policy;
        self
    }

    /// Only episodes of patients at least this old (`None`: no restriction).
    #[must_use]
    pub fn min_age(mut self, min_age: impl Into<Option<u16>>) -> Self {
        self.min_age = min_age.into();
        self
    }

    /// [`min_age`](Self::min_age) from a caller's number of years: 0 to
    /// [`MAX_AGE`](crate::input::value::MAX_AGE) (an age no row can have is refused rather
    /// than leaving every row out), else [`Error::InvalidArgument`] naming `min_age`.
    ///
    /// ```
    /// use utklar_core::IndicatorOptions;
    ///
    /// assert_eq!(IndicatorOptions::default().checked_min_age(Some(65))?.min_age, Some(65));
    /// assert_eq!(IndicatorOptions::default().checked_min_age(None)?.min_age, None);
    /// let e = IndicatorOptions::default().checked_min_age(Some(650)).unwrap_err();
    /// assert_eq!(e.to_string(), "min_age: 650 is not an age 0–150");
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn checked_min_age(self, years: Option<i64>) -> Result<Self, Error> {
        let max = crate::input::value::MAX_AGE;
        let age = match years {
            None => None,
            Some(a) => Some(u16::try_from(a).ok().filter(|a| *a <= max).ok_or_else(|| {
                Error::InvalidArgument {
                    name: "min_age".into(),
                    message: format!("{a} is not an age 0–{max}"),
                }
            })?),
        };
        Ok(self.min_age(age))
    }

    /// Strict (fail with every bad row listed) or lenient (exclude and report).
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
}

impl Default for IndicatorOptions {
    fn default() -> Self {
        IndicatorOptions {
            period: PeriodKind::Month,
            negative_days: NegativeDays::Exclude,
            min_age: None,
            mode: Mode::Lenient,
        }
    }
}

/// Episodes as columns: one slice per field, all of the same length.
///
/// Dates are day numbers (days since 1970-01-01, Arrow `date32`), with [`time::NO_DATE`] (−1)
/// for an absent date; times of day are seconds after midnight with [`time::NO_TIME`] (−1)
/// for unknown (any value outside 0…86 399 is unknown). Municipalities are numeric codes (`880` for `"0880"`), care types 0 (somatic)
/// or 1 (psychiatric). Optional columns may be `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EpisodeColumns<'a> {
    /// Municipality codes (`880`).
    pub municipality: &'a [u16],
    /// 0 somatic, 1 psychiatric.
    pub care_type: &'a [u8],
    /// Ready date (required: [`time::NO_DATE`] is a missing-field problem).
    pub ready_day: &'a [i32],
    /// Discharge date, [`time::NO_DATE`] when still in hospital.
    pub discharge_day: &'a [i32],
    /// Ready time of day in seconds after midnight, if known.
    pub ready_second: Option<&'a [i32]>,
    /// Discharge time of day in seconds after midnight, if known.
    pub discharge_second: Option<&'a [i32]>,
    /// Admission date, if known.
    pub admitted_day: Option<&'a [i32]>,
    /// Admission time of day in seconds after midnight, if known.
    pub admitted_second: Option<&'a [i32]>,
    /// Age at discharge, negative when unknown.
    pub age: Option<&'a [i32]>,
    /// Index of the first row, added to reported row numbers (for chunks of a larger table).
    pub row_offset: usize,
}

impl EpisodeColumns<'_> {
    /// Number of rows; an error naming the column when the slices differ in length.
    pub fn len(&self) -> Result<usize, Error> {
        let n = self.municipality.len();
        let check = |name: &str, len: usize| {
            if len == n {
                Ok(())
            } else {
                Err(Error::InvalidArgument {
                    name: name.into(),
                    message: format!("column has {len} rows, municipality has {n}"),
                })
            }
        };
        check("care_type", self.care_type.len())?;
        check("ready_day", self.ready_day.len())?;
        check("discharge_day", self.discharge_day.len())?;
        for (name, c) in [
            ("ready_second", self.ready_second),
            ("discharge_second", self.discharge_second),
            ("admitted_day", self.admitted_day),
            ("admitted_second", self.admitted_second),
            ("age", self.age),
        ] {
            if let Some(c) = c {
                check(name, c.len())?;
            }
        }
        Ok(n)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.municipality.is_empty()
    }
}

/// What the classifier decided for a row.
enum Outcome {
    Count {
        muni: u16,
        care: u8,
        discharge_day: i32,
        ready_days: u32,
    },
    Open,
    OutsideAge,
    Excluded,
}

#[inline]
fn classify(
    row: usize,
    v: &RowView,
    opts: &IndicatorOptions,
    report: &mut ExclusionReport,
) -> Outcome {
    let start = report.problems.len();
    if !check_row(row, v, opts.negative_days, &mut report.problems) {
        let new: Vec<Problem> = report.problems.drain(start..).collect();
        report.exclude(new);
        return Outcome::Excluded;
    }
    let t = &v.times;
    if t.discharge_day == NO_DATE {
        report.open += 1;
        return Outcome::Open;
    }
    if let Some(min) = opts.min_age {
        if v.age < i32::from(min) {
            report.outside_age += 1;
            return Outcome::OutsideAge;
        }
    }
    report.counted += 1;
    Outcome::Count {
        muni: v.muni,
        care: v.care,
        discharge_day: t.discharge_day,
        ready_days: (t.discharge_day - t.ready_day).max(0) as u32,
    }
}

/// Month ordinal (relative to 1990-01) of each valid day number.
fn month_lut() -> &'static [u16] {
    static LUT: OnceLock<Vec<u16>> = OnceLock::new();
    LUT.get_or_init(|| {
        (MIN_DAY..=MAX_DAY)
            .map(|d| {
                let date = time::date_of_day(d);
                ((date.year() - 1990) * 12 + date.month0() as i32) as u16
            })
            .collect()
    })
}

/// The period ordinal of a valid day number.
#[inline]
fn period_ordinal(kind: PeriodKind, lut: &[u16], day: i32) -> i32 {
    let m = i32::from(lut[(day - MIN_DAY) as usize]) + 1990 * 12;
    match kind {
        PeriodKind::Month => m,
        PeriodKind::Quarter => m / 3,
        PeriodKind::Year => m / 12,
    }
}

const STRIDE: usize = MUNICIPALITY_COUNT * 2;

/// Measures per period, municipality and care type, with the account of every row.
///
/// A commutative monoid: [`MeasureSet::merge`] adds another set of the same period kind, in any
/// order, with the same result as computing over all rows at once. Two sets are equal when
/// they hold the same non-empty cells and the same account of rows (how much empty room each
/// has reserved does not matter).
#[derive(Debug, Clone)]
pub struct MeasureSet {
    kind: PeriodKind,
    /// Ordinal of the first period held.
    first: i32,
    /// `[period][municipality][care type]`.
    cells: Vec<Measures>,
    report: ExclusionReport,
}

impl PartialEq for MeasureSet {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.report == other.report && self.iter().eq(other.iter())
    }
}

impl Eq for MeasureSet {}

impl MeasureSet {
    /// An empty set for periods of `kind`.
    pub fn new(kind: PeriodKind) -> Self {
        MeasureSet {
            kind,
            first: 0,
            cells: Vec::new(),
            report: ExclusionReport::default(),
        }
    }

    /// The period kind.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The account of the rows: counted, open, outside the age restriction, excluded and why.
    pub fn report(&self) -> &ExclusionReport {
        &self.report
    }

    fn periods(&self) -> usize {
        self.cells.len() / STRIDE
    }

    /// Makes room for period ordinal `p`; returns its row.
    #[inline]
    fn slot(&mut self, p: i32) -> usize {
        let n = self.periods() as i32;
        if n == 0 {
            self.first = p;
            self.cells.resize(STRIDE, Measures::default());
            return 0;
        }
        if p < self.first {
            let grow = (self.first - p) as usize;
            let mut cells = vec![Measures::default(); grow * STRIDE];
            cells.extend_from_slice(&self.cells);
            self.cells = cells;
            self.first = p;
        } else if p >= self.first + n {
            self.cells
                .resize((p - self.first + 1) as usize * STRIDE, Measures::default());
        }
        (p - self.first) as usize
    }

    #[inline]
    fn add(&mut self, period: i32, muni: u16, care: u8, ready_days: u32) {
        let row = if period >= self.first && period < self.first + self.periods() as i32 {
            (period - self.first) as usize
        } else {
            self.slot(period)
        };
        self.cells[row * STRIDE + muni as usize * 2 + care as usize].add_episode(ready_days);
    }

    /// Merges another set of the same period kind into this one.
    pub fn merge(&mut self, other: &MeasureSet) -> Result<(), Error> {
        if other.kind != self.kind {
            return Err(Error::InvalidArgument {
                name: "period".into(),
                message: format!(
                    "cannot merge {} measures into {} measures",
                    other.kind, self.kind
                ),
            });
        }
        for p in 0..other.periods() {
            let ord = other.first + p as i32;
            if other.cells[p * STRIDE..(p + 1) * STRIDE]
                .iter()
                .all(|m| *m == Measures::default())
            {
                continue;
            }
            let row = self.slot(ord);
            for (a, b) in self.cells[row * STRIDE..(row + 1) * STRIDE]
                .iter_mut()
                .zip(&other.cells[p * STRIDE..(p + 1) * STRIDE])
            {
                *a += *b;
            }
        }
        self.report.merge(&other.report);
        Ok(())
    }

    /// The measures of one municipality, care type and period.
    pub fn get(&self, period: Period, municipality: Municipality, care_type: CareType) -> Measures {
        if period.kind() != self.kind {
            return Measures::default();
        }
        let p = period.ordinal() - self.first;
        if p < 0 || p as usize >= self.periods() {
            return Measures::default();
        }
        self.cells[p as usize * STRIDE + municipality.index() * 2 + care_type as usize]
    }

    /// Every non-empty cell: `(period, municipality, care type, measures)` in period, code and
    /// care-type order.
    pub fn iter(&self) -> impl Iterator<Item = (Period, Municipality, CareType, Measures)> + '_ {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, m)| m.episodes() > 0)
            .map(move |(i, m)| {
                let p = Period::from_ordinal(self.kind, self.first + (i / STRIDE) as i32);
                let muni = Municipality::from_index((i % STRIDE) / 2).expect("dense index");
                let care = CareType::from_code((i % 2) as u8).expect("0 or 1");
                (p, muni, care, *m)
            })
    }

    /// The totals over every cell.
    pub fn total(&self) -> Measures {
        self.cells.iter().copied().sum()
    }

    /// Streams one episode in: classifies row `row` under `opts` and adds it to the measures
    /// or to the account. With [`MeasureSet::push_problems`] and [`MeasureSet::finish`] this
    /// reads files of any size in bounded memory, one row at a time.
    ///
    /// ```
    /// use utklar_core::{synth, IndicatorOptions, MeasureSet, measure_episodes};
    ///
    /// let episodes = synth::generate(&synth::SynthOptions { episodes: 300, ..Default::default() });
    /// let opts = IndicatorOptions::default();
    /// let mut set = MeasureSet::new(opts.period);
    /// for (row, e) in episodes.iter().enumerate() {
    ///     set.push(row, e, &opts);
    /// }
    /// assert_eq!(set.finish(&opts)?, measure_episodes(&episodes, &opts)?);
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn push(&mut self, row: usize, episode: &Episode, opts: &IndicatorOptions) {
        self.push_view(row, &RowView::of_episode(episode), opts);
    }

    /// Streams in row `row` read as [`EpisodeFacts`] (by
    /// [`crate::input::EpisodeReader::read_facts`], with no problem found): the same as
    /// [`push`](Self::push) of the episode those facts belong to, without its ids.
    pub fn push_facts(&mut self, row: usize, facts: &EpisodeFacts, opts: &IndicatorOptions) {
        self.push_view(row, &RowView::of_facts(facts), opts);
    }

    #[inline]
    fn push_view(&mut self, row: usize, v: &RowView, opts: &IndicatorOptions) {
        self.report.rows_in += 1;
        if let Outcome::Count {
            muni,
            care,
            discharge_day,
            ready_days,
        } = classify(row, v, opts, &mut self.report)
        {
            self.add(
                period_ordinal(self.kind, month_lut(), discharge_day),
                muni,
                care,
                ready_days,
            );
        }
    }

    /// Puts the problems back in row order after merging sets whose rows interleave (threads
    /// that measured alternate slices of one input): a stable sort by row, so each row's
    /// problems stay in the order they were found. Changes nothing for sets merged in row
    /// order.
    ///
    /// ```
    /// use utklar_core::{synth, IndicatorOptions, MeasureSet, measure_episodes};
    ///
    /// let mut episodes = synth::generate(&synth::SynthOptions { episodes: 400, ..Default::default() });
    /// for e in episodes.iter_mut().step_by(7) {
    ///     e.ready_at = "2099-01-01".parse()?; // discharged before ready: negative days
    /// }
    /// let opts = IndicatorOptions::default();
    /// // Even rows into one set, odd rows into another.
    /// let (mut even, mut odd) = (MeasureSet::new(opts.period), MeasureSet::new(opts.period));
    /// for (row, e) in episodes.iter().enumerate() {
    ///     if row % 2 == 0 { even.push(row, e, &opts) } else { odd.push(row, e, &opts) }
    /// }
    /// even.merge(&odd)?;
    /// assert!(even.report().problems.len() > 10);
    /// even.sort_problems_by_row();
    /// assert_eq!(even.finish(&opts)?, measure_episodes(&episodes, &opts)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sort_problems_by_row(&mut self) {
        self.sort_problems_from(0);
    }

    /// [`sort_problems_by_row`](Self::sort_problems_by_row) of the problems from index `start`
    /// on (those added since the list was `start` long), a row's own in their order.
    pub(crate) fn sort_problems_from(&mut self, start: usize) {
        if let Some(p) = self.report.problems.get_mut(start..) {
            if p.windows(2).any(|w| w[0].row > w[1].row) {
                p.sort_by_key(|p| p.row);
            }
        }
    }

    /// Streams in a row that could not be read (the problems [`crate::input::EpisodeReader`]
    /// found): it is counted as input and excluded under its first problem's reason.
    /// An empty list is ignored.
    pub fn push_problems(&mut self, problems: Vec<Problem>) {
        if problems.is_empty() {
            return;
        }
        self.report.rows_in += 1;
        self.report.exclude(problems);
    }

    /// Ends a stream: applies strict mode and the `error` negative-days policy of `opts`.
    pub fn finish(self, opts: &IndicatorOptions) -> Result<Self, Error> {
        self.finish_with(opts.mode, opts.negative_days)
    }

    fn finish_with(self, mode: Mode, policy: NegativeDays) -> Result<Self, Error> {
        if policy == NegativeDays::Error && self.report.count(Reason::NegativeDays) > 0 {
            let rows = self
                .report
                .problems
                .iter()
                .filter(|p| p.reason == Reason::NegativeDays)
                .cloned()
                .collect();
            return Err(Error::Invalid(rows));
        }
        if mode == Mode::Strict && !self.report.problems.is_empty() {
            return Err(Error::Invalid(self.report.problems));
        }
        Ok(self)
    }
}

/// Measures over episode values (the ergonomic entry point).
pub fn measure_episodes(
    episodes: &[Episode],
    opts: &IndicatorOptions,
) -> Result<MeasureSet, Error> {
    let mut set = MeasureSet::new(opts.period);
    for (row, e) in episodes.iter().enumerate() {
        set.push(row, e, opts);
    }
    set.finish(opts)
}

/// The fast path of [`measure_columns`]: from row `start`, adds every row that is plainly
/// valid and counted (known municipality and care type, ready ≤ discharge both in range,
/// admission — when `ADM` — absent, or not after ready and discharge by day and, on the same
/// day, by the seconds when both are known, age ≥ `min_age` when `AGE`)
/// and stops at the first row that is not, returning its index and the rows added. Such rows
/// go through `classify`, the one home of the rules: this loop only skips work for rows the
/// classifier would accept unchanged.
#[inline(never)]
#[allow(clippy::needless_bitwise_bool)] // branch-free on purpose: the checks are cheap, mispredictions are not
fn fast_rows<const ADM: bool, const AGE: bool>(
    cols: &EpisodeColumns<'_>,
    start: usize,
    lo: i32,
    day_offset: &[usize],
    codes: &[u16; 65_536],
    min_age: i32,
    cells: &mut [Measures],
) -> (usize, u64) {
    let n = cols.municipality.len();
    let (muni, care, ready, dis) = (
        cols.municipality,
        cols.care_type,
        cols.ready_day,
        cols.discharge_day,
    );
    let adm = cols.admitted_day.unwrap_or(&[]);
    let age = cols.age.unwrap_or(&[]);
    let second = |col: Option<&[i32]>, i: usize| col.map_or(-1, |c| c[i]);
    // Whether an event at second `x` of a day is not before one at second `y` of the same day
    // (an unknown or invalid second never orders).
    let not_before = |x: i32, y: i32| {
        let known = |m: i32| (0..SECONDS_PER_DAY).contains(&m);
        !(known(x) & known(y) & (x < y))
    };
    let mut i = start;
    while i < n {
        let mi = codes[muni[i] as usize];
        let c = care[i];
        let r = ready[i];
        let d = dis[i];
        let mut ok = (mi != u16::MAX) & (c < 2) & (r >= MIN_DAY) & (r <= d) & (d <= MAX_DAY);
        if ADM {
            let a = adm[i];
            let same_day_ok = |day: i32, col: Option<&[i32]>| {
                (a < day)
                    | ((a == day) & not_before(second(col, i), second(cols.admitted_second, i)))
            };
            ok &= (a == NO_DATE)
                | ((a >= MIN_DAY)
                    & same_day_ok(r, cols.ready_second)
                    & same_day_ok(d, cols.discharge_second));
        }
        if AGE {
            ok &= age[i] >= min_age;
        }
        if !ok {
            break;
        }
        let cell = day_offset[(d - lo) as usize] + mi as usize * 2 + c as usize;
        cells[cell].add_episode((d - r) as u32);
        i += 1;
    }
    (i, (i - start) as u64)
}

/// Measures over columns (the entry point for Arrow, C and other columnar data).
pub fn measure_columns(
    cols: &EpisodeColumns<'_>,
    opts: &IndicatorOptions,
) -> Result<MeasureSet, Error> {
    let mut set = MeasureSet::new(opts.period);
    add_columns(&mut set, cols, None, opts)?;
    set.finish(opts)
}

/// Adds the rows of `cols` to `set` (of `opts.period`) as [`measure_columns`] measures them,
/// without ending the stream: row `i` is input row `rows[i]` when `rows` is given (the rows of
/// a slice that the columnar reader found clean, `crate::input::columns`), else
/// `cols.row_offset + i`. `rows`, when given, has one entry per row.
pub(crate) fn add_columns(
    set: &mut MeasureSet,
    cols: &EpisodeColumns<'_>,
    rows: Option<&[usize]>,
    opts: &IndicatorOptions,
) -> Result<(), Error> {
    let n = cols.len()?;
    let lut = month_lut();
    let codes = Municipality::code_index_table();
    set.report.rows_in += n as u64;

    // Pass 1: the range of valid discharge days, so the table is sized once and each day maps
    // straight to the offset of its period's row (no growth checks in the hot loop).
    let (lo, hi) = cols
        .discharge_day
        .iter()
        .fold((i32::MAX, i32::MIN), |(lo, hi), &d| {
            let ok = time::day_in_range(d);
            (
                if ok { lo.min(d) } else { lo },
                if ok { hi.max(d) } else { hi },
            )
        });
    let mut day_offset: Vec<usize> = Vec::new();
    if lo <= hi {
        set.slot(period_ordinal(opts.period, lut, lo));
        set.slot(period_ordinal(opts.period, lut, hi));
        day_offset = (lo..=hi)
            .map(|d| (period_ordinal(opts.period, lut, d) - set.first) as usize * STRIDE)
            .collect();
    }

    // Pass 2. The fast path takes a row that is plainly valid and counted: known municipality
    // and care type, ready ≤ discharge both in range, admission (if any) on an earlier day than
    // both, and old enough (if a minimum age is set). Anything else goes through `classify`,
    // the one home of the rules; the fast path only skips work for rows it would accept as is.
    let opt = |c: Option<&[i32]>, i: usize| {
        c.map_or(-1, |c| {
            if (0..SECONDS_PER_DAY).contains(&c[i]) {
                c[i]
            } else {
                -1
            }
        })
    };
    let min_age = opts.min_age.map(i32::from);
    let mut counted = 0u64;
    let mut i = 0;
    while i < n {
        // The fast loop runs until it meets a row it does not take (or the end); monomorphised
        // on which optional columns take part, with branch-free checks.
        let (next, c) = match (cols.admitted_day, min_age.zip(cols.age)) {
            (None, None) if min_age.is_none() => {
                fast_rows::<false, false>(cols, i, lo, &day_offset, codes, 0, &mut set.cells)
            }
            (Some(_), None) if min_age.is_none() => {
                fast_rows::<true, false>(cols, i, lo, &day_offset, codes, 0, &mut set.cells)
            }
            (None, Some((min, _))) => {
                fast_rows::<false, true>(cols, i, lo, &day_offset, codes, min, &mut set.cells)
            }
            (Some(_), Some((min, _))) => {
                fast_rows::<true, true>(cols, i, lo, &day_offset, codes, min, &mut set.cells)
            }
            // A minimum age without an age column: every row goes through the classifier.
            _ => (i, 0),
        };
        counted += c;
        i = next;
        if i >= n {
            break;
        }
        let mi = codes
            .get(cols.municipality[i] as usize)
            .copied()
            .unwrap_or(u16::MAX);
        let v = RowView {
            muni: mi,
            care: cols.care_type[i],
            times: Times {
                ready_day: cols.ready_day[i],
                ready_sec: opt(cols.ready_second, i),
                discharge_day: cols.discharge_day[i],
                discharge_sec: opt(cols.discharge_second, i),
                admitted_day: cols.admitted_day.map_or(NO_DATE, |c| c[i]),
                admitted_sec: opt(cols.admitted_second, i),
            },
            age: cols.age.map_or(-1, |a| a[i].max(-1)),
        };
        if let Outcome::Count {
            muni,
            care,
            discharge_day,
            ready_days,
        } = classify(
            rows.and_then(|r| r.get(i).copied())
                .unwrap_or(cols.row_offset + i),
            &v,
            opts,
            &mut set.report,
        ) {
            set.add(
                period_ordinal(opts.period, lut, discharge_day),
                muni,
                care,
                ready_days,
            );
        }
        i += 1;
    }
    set.report.counted += counted;
    Ok(())
}

/// Calls `f(row, episode, period, ready_days)` for every episode that the measures count
/// under `opts` (the same classification as [`measure_episodes`]).
pub(crate) fn for_each_counted<'a>(
    episodes: &'a [Episode],
    opts: &IndicatorOptions,
    mut f: impl FnMut(usize, &'a Episode, Period, u32),
) {
    let lut = month_lut();
    let mut scratch = ExclusionReport::default();
    for (row, e) in episodes.iter().enumerate() {
        let v = RowView::of_episode(e);
        if let Outcome::Count {
            discharge_day,
            ready_days,
            ..
        } = classify(row, &v, opts, &mut scratch)
        {
            let p =
                Period::from_ordinal(opts.period, period_ordinal(opts.period, lut, discharge_day));
            f(row, e, p, ready_days);
        }
        scratch.problems.clear();
    }
}

/// How the measures take one episode value (the classification of [`MeasureSet::push`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Classified {
    /// Counted in this period with these ready days.
    Counted(Period, u32),
    /// No discharge yet.
    Open,
    /// Outside the `min_age` restriction.
    OutsideAge,
    /// Excluded as bad data, with its problems (the first names the reason).
    Excluded(Vec<Problem>),
}

/// Classifies episode `e` at row `row` under `opts`, as [`MeasureSet::push`] does.
pub(crate) fn classify_episode(row: usize, e: &Episode, opts: &IndicatorOptions) -> Classified {
    let mut scratch = ExclusionReport::default();
    match classify(row, &RowView::of_episode(e), opts, &mut scratch) {
        Outcome::Count {
            discharge_day,
            ready_days,
            ..
        } => {
            let ord = period_ordinal(opts.period, month_lut(), discharge_day);
            Classified::Counted(Period::from_ordinal(opts.period, ord), ready_days)
        }
        Outcome::Open => Classified::Open,
        Outcome::OutsideAge => Classified::OutsideAge,
        Outcome::Excluded => Classified::Excluded(scratch.problems),
    }
}

impl EpisodeSet {
    /// The measures of a data set: each episode at its input row, each unreadable row counted
    /// as input and excluded under its first problem, the problems in row order — the same
    /// account as reading the rows one at a time into [`MeasureSet::push`] and
    /// [`MeasureSet::push_problems`].
    ///
    /// ```
    /// use utklar_core::input::{EpisodeSet, Row};
    /// use utklar_core::{Field, IndicatorOptions, Reason};
    ///
    /// let mut set = EpisodeSet::new();
    /// for (i, (id, muni)) in [("e0", "0880"), ("e1", "0999")].into_iter().enumerate() {
    ///     let mut row = Row::default();
    ///     row.set(Field::EpisodeId, id);
    ///     row.set(Field::Municipality, muni);
    ///     row.set(Field::CareType, "somatic");
    ///     row.set(Field::ReadyAt, "2025-03-03");
    ///     row.set(Field::DischargedAt, "2025-03-05");
    ///     set.push(i, &row);
    /// }
    /// let m = set.measure(&IndicatorOptions::default())?;
    /// assert_eq!((m.report().rows_in, m.report().counted), (2, 1));
    /// assert_eq!(m.report().count(Reason::UnknownMunicipality), 1);
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn measure(&self, opts: &IndicatorOptions) -> Result<MeasureSet, Error> {
        self.check_personal_ids()?;
        let mut set = MeasureSet::new(opts.period);
        let mut bad = self.unreadable().iter().peekable();
        for (e, &row) in self.episodes().iter().zip(self.rows()) {
            while let Some(u) = bad.next_if(|u| u.row < row) {
                set.push_problems(u.problems.clone());
            }
            set.push(row, e, opts);
        }
        for u in bad {
            set.push_problems(u.problems.clone());
        }
        set.finish(opts)
    }
}
