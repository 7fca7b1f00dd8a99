//! A seeded, reproducible generator of realistic synthetic episodes.
//!
//! The demo, the tests and the benches use it. Volumes per municipality follow the 65+
//! population of the embedded `data/population.csv` (30 September 2022); about 60 % of
//! episodes are discharged on day 0; the ready days of the others have a long tail with a
//! national mean near 2.7 days (SKR's figure for 2023); about 15 % are psychiatric; ready
//! notices come mostly in office hours (some after 12.00, which matters for the law's noon
//! rule); planned dates, ages, pseudonymous patient ids (with readmissions), a few negative
//! days and open episodes are included. Each municipality gets its own performance level, so
//! some are above and some below an agreement's threshold.
//!
//! ```
//! use utklar_core::synth::{generate, SynthOptions};
//!
//! let a = generate(&SynthOptions { episodes: 1_000, seed: 7, ..Default::default() });
//! let b = generate(&SynthOptions { episodes: 1_000, seed: 7, ..Default::default() });
//! assert_eq!(a, b); // reproducible
//! assert_eq!(a.len(), 1_000);
//! ```

use chrono::NaiveDate;

use crate::error::Error;
use crate::measure::engine::EpisodeColumns;
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::{County, Municipality};
use crate::model::reference::Population;
use crate::model::time::{self, NoticeTime, NO_DATE, NO_TIME};

/// Episodes per inhabitant aged 65+ and year, nationally: about 850 000 episodes a year over
/// 2.17 million people aged 65+.
pub const EPISODES_PER_65PLUS_YEAR: f64 = 0.39;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// The seed: the same options and seed give the same episodes.
    pub seed: u64,
    /// Number of episodes; 0 means the realistic volume of the chosen municipalities over
    /// `months` ([`EPISODES_PER_65PLUS_YEAR`] × 65+ population).
    pub episodes: usize,
    /// The first discharge year, [`FIRST_YEAR`]–[`LAST_YEAR`] ([`check`](Self::check) refuses
    /// a year outside; the generator clamps it to 1990–2100).
    pub year: i32,
    /// Months of discharges, from January of `year` (12 = one year): 1–[`MAX_MONTHS`], and
    /// not past December [`LAST_YEAR`].
    pub months: u32,
    /// Restrict to these municipalities (empty = all 290).
    pub municipalities: Vec<Municipality>,
    /// Share of episodes that are still open (no discharge) at the end, 0–1.
    pub open_share: f64,
    /// Share of episodes with negative days (data errors), 0–1.
    pub negative_share: f64,
}

/// The first year [`SynthOptions::year`] may have: admissions and ready notices come up to a
/// few months before discharge, and every date generated lies in 1990–2100 (the last five
/// days of 2100 get no discharge, for the dates that follow one).
pub const FIRST_YEAR: i32 = 1991;
/// The last year [`SynthOptions::year`] may have.
pub const LAST_YEAR: i32 = 2100;
/// The most months [`SynthOptions::months`] may span (ten years).
pub const MAX_MONTHS: u32 = 120;

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            seed: 2025,
            episodes: 0,
            year: 2025,
            months: 12,
            municipalities: Vec::new(),
            open_share: 0.01,
            negative_share: 0.003,
        }
    }
}

impl SynthOptions {
    /// A realistic year of Kalmar län (its 12 municipalities), the demo's data set.
    pub fn kalmar_year(year: i32) -> Self {
        SynthOptions {
            year,
            municipalities: County::new(8)
                .expect("Kalmar län")
                .municipalities()
                .collect(),
            ..SynthOptions::default()
        }
    }

    /// A realistic national year (about 850 000 episodes).
    pub fn national_year(year: i32) -> Self {
        SynthOptions {
            year,
            ..SynthOptions::default()
        }
    }

    /// Whether the options are usable: `year` in [`FIRST_YEAR`]–[`LAST_YEAR`], `months`
    /// 1–[`MAX_MONTHS`] and not past December [`LAST_YEAR`], both shares 0–1. The error is
    /// [`Error::InvalidArgument`] naming the option (`year`, `months`, `open_share`,
    /// `negative_share`).
    ///
    /// ```
    /// use utklar_core::synth::SynthOptions;
    ///
    /// assert!(SynthOptions::kalmar_year(2025).check().is_ok());
    /// let e = SynthOptions { year: 2100, months: 13, ..Default::default() }.check().unwrap_err();
    /// assert_eq!(e.to_string(), "months: 13 months from January 2100 end after December 2100; use 1–12");
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let invalid = |name: &str, message: String| {
            Err(Error::InvalidArgument {
                name: name.into(),
                message,
            })
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&self.year) {
            return invalid(
                "year",
                format!("{} is outside {FIRST_YEAR}–{LAST_YEAR}", self.year),
            );
        }
        let room = ((LAST_YEAR - self.year + 1) as u32 * 12).min(MAX_MONTHS);
        if !(1..=room).contains(&self.months) {
            let why = if self.months > 0 && room < MAX_MONTHS {
                format!(
                    "{} months from January {} end after December {LAST_YEAR}",
                    self.months, self.year
                )
            } else {
                self.months.to_string()
            };
            return invalid("months", format!("{why}; use 1–{room}"));
        }
        for (name, share) in [
            ("open_share", self.open_share),
            ("negative_share", self.negative_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return invalid(name, format!("{share} is not a share 0–1"));
            }
        }
        Ok(())
    }
}

/// SplitMix64: small, fast, reproducible.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Geometric: failures before the first success with probability `p`.
    fn geometric(&mut self, p: f64) -> u32 {
        let u = self.unit().max(1e-12);
        (u.ln() / (1.0 - p).ln()).floor().min(365.0) as u32
    }
}

/// One generated row, before it becomes an [`Episode`] or columns.
struct Row {
    muni: Municipality,
    care: CareType,
    admitted: i32,
    admitted_min: i32,
    ready: i32,
    ready_min: i32,
    discharge: i32,
    discharge_min: i32,
    planned: i32,
    age: i32,
    patient: u64,
    notice: bool,
    sip_required: bool,
    sip_called: bool,
    blocked: bool,
}

struct MuniProfile {
    muni: Municipality,
    weight: f64,
    day0_share: f64,
    tail_p: f64,
}

fn profiles(opts: &SynthOptions) -> Vec<MuniProfile> {
    let pop = Population::builtin();
    let munis: Vec<Municipality> = if opts.municipalities.is_empty() {
        Municipality::all().collect()
    } else {
        opts.municipalities.clone()
    };
    munis
        .into_iter()
        .map(|m| {
            let mut r = Rng(opts.seed ^ (u64::from(m.code()) << 32) ^ 0xA5A5);
            let weight = pop.get(m, 2022).map_or(1000.0, |p| p.pop_65plus as f64);
            MuniProfile {
                muni: m,
                weight,
                // 45 %–80 % discharged on day 0; mean about 60 %.
                day0_share: 0.45 + 0.35 * r.unit(),
                // Geometric tail parameter around 0.51 (mean ≈ 2.7 among ≥ 1 day).
                tail_p: 0.42 + 0.18 * r.unit(),
            }
        })
        .collect()
}

fn generate_rows(opts: &SynthOptions, mut sink: impl FnMut(usize, Row)) {
    let profiles = profiles(opts);
    let total_weight: f64 = profiles.iter().map(|p| p.weight).sum();
    // Dates stay within 1990–2100 whatever the options.
    let year = opts.year.clamp(1990, 2100);
    let months = opts.months.clamp(1, (2101 - year) as u32 * 12);
    let n = if opts.episodes > 0 {
        opts.episodes
    } else {
        (total_weight * EPISODES_PER_65PLUS_YEAR * f64::from(months) / 12.0).round() as usize
    };
    // Cumulative weights for choosing a municipality.
    let mut cum = Vec::with_capacity(profiles.len());
    let mut acc = 0.0;
    for p in &profiles {
        acc += p.weight / total_weight;
        cum.push(acc);
    }
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(time::MIN_DATE);
    let first = time::day_number(jan1);
    let end_date = jan1
        .checked_add_months(chrono::Months::new(months))
        .unwrap_or(time::MAX_DATE);
    // No discharge in the last days of 2100: a ready date comes up to 3 days after a
    // discharge (negative days) and a planned date 2 days after that, all inside the range.
    let last_end = time::day_number(time::MAX_DATE) - 5;
    let span = (time::day_number(end_date).min(last_end) - first).max(1);
    let patients = (n as u64 / 2).max(1);
    let mut r = Rng(opts.seed);
    for i in 0..n {
        let u = r.unit();
        let pi = cum.partition_point(|&c| c < u).min(profiles.len() - 1);
        let prof = &profiles[pi];
        let care = if r.chance(0.15) {
            CareType::Psychiatric
        } else {
            CareType::Somatic
        };
        let discharge = first + r.below(span as u64) as i32;
        let ready_days = if r.chance(prof.day0_share) {
            0
        } else if r.chance(0.03) {
            8 + r.below(38) as i32
        } else {
            1 + r.geometric(prof.tail_p) as i32
        };
        let mut ready = discharge - ready_days;
        let mut discharge = discharge;
        if r.chance(opts.negative_share) {
            ready = discharge + 1 + r.below(3) as i32;
        }
        // Ready notices mostly 08–16, a third after noon.
        let ready_min = if r.chance(0.1) {
            NO_TIME
        } else {
            8 * 60 + r.below(8 * 60) as i32
        };
        let discharge_min = if r.chance(0.2) {
            NO_TIME
        } else {
            9 * 60 + r.below(9 * 60) as i32
        };
        let los = r.geometric(0.25) as i32;
        let admitted = ready.min(discharge) - los;
        let admitted_min = if los == 0 { 0 } else { r.below(24 * 60) as i32 };
        let planned = ready + r.below(5) as i32 - 2;
        if r.chance(opts.open_share) {
            discharge = NO_DATE;
        }
        let age = match care {
            CareType::Somatic => {
                if r.chance(0.8) {
                    65 + r.below(35) as i32
                } else {
                    18 + r.below(47) as i32
                }
            }
            CareType::Psychiatric => 18 + r.below(70) as i32,
        };
        let sip_required = r.chance(0.1);
        let row = Row {
            muni: prof.muni,
            care,
            admitted,
            admitted_min,
            ready,
            ready_min,
            discharge,
            discharge_min: if discharge == NO_DATE {
                NO_TIME
            } else {
                discharge_min
            },
            planned,
            age,
            patient: r.below(patients),
            notice: r.chance(0.98),
            sip_required,
            sip_called: sip_required && r.chance(0.9),
            blocked: r.chance(0.01),
        };
        sink(i, row);
    }
}

/// Seconds after midnight of a generated minute ([`NO_TIME`] stays unknown).
fn seconds(minute: i32) -> i32 {
    if minute < 0 {
        NO_TIME
    } else {
        minute * 60
    }
}

fn notice(day: i32, minute: i32) -> NoticeTime {
    NoticeTime::from_day_minutes(day, minute)
}

/// Generates episodes as values.
pub fn generate(opts: &SynthOptions) -> Vec<Episode> {
    let mut out = Vec::new();
    generate_each(opts, |e| out.push(e));
    out
}

/// Generates the same episodes as [`generate`], one at a time, without holding them: for
/// writing files of tens of millions of rows in bounded memory.
///
/// ```
/// use utklar_core::synth::{generate, generate_each, SynthOptions};
///
/// let opts = SynthOptions { episodes: 200, ..Default::default() };
/// let mut streamed = Vec::new();
/// generate_each(&opts, |e| streamed.push(e));
/// assert_eq!(streamed, generate(&opts));
/// ```
pub fn generate_each(opts: &SynthOptions, mut f: impl FnMut(Episode)) {
    generate_rows(opts, |i, r| {
        f(Episode {
            episode_id: format!("E{:08}", i + 1),
            patient_id: Some(format!("P{:07}", r.patient + 1)),
            municipality: r.muni,
            care_type: r.care,
            admitted_at: Some(notice(r.admitted, r.admitted_min)),
            ready_at: notice(r.ready, r.ready_min),
            discharged_at: (r.discharge != NO_DATE).then(|| notice(r.discharge, r.discharge_min)),
            home_ready_at: None,
            planned_discharge_date: Some(time::date_of_day(r.planned)),
            age: Some(r.age as u16),
            admission_notice_sent: r.notice,
            sip_required: r.sip_required,
            sip_called: r.sip_called,
            region_blocked: r.blocked,
        });
    });
}

/// Columns owned in memory, the form [`EpisodeColumns`] borrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedColumns {
    /// Municipality codes.
    pub municipality: Vec<u16>,
    /// Care type codes.
    pub care_type: Vec<u8>,
    /// Ready day numbers.
    pub ready_day: Vec<i32>,
    /// Ready minutes after midnight.
    pub ready_second: Vec<i32>,
    /// Discharge day numbers ([`NO_DATE`] when open).
    pub discharge_day: Vec<i32>,
    /// Discharge minutes after midnight.
    pub discharge_second: Vec<i32>,
    /// Admission day numbers.
    pub admitted_day: Vec<i32>,
    /// Admission minutes after midnight.
    pub admitted_second: Vec<i32>,
    /// Ages (−1 unknown).
    pub age: Vec<i32>,
}

impl OwnedColumns {
    /// Borrows the columns.
    pub fn view(&self) -> EpisodeColumns<'_> {
        EpisodeColumns {
            municipality: &self.municipality,
            care_type: &self.care_type,
            ready_day: &self.ready_day,
            discharge_day: &self.discharge_day,
            ready_second: Some(&self.ready_second),
            discharge_second: Some(&self.discharge_second),
            admitted_day: Some(&self.admitted_day),
            admitted_second: Some(&self.admitted_second),
            age: Some(&self.age),
            row_offset: 0,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.municipality.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.municipality.is_empty()
    }
}

/// Converts episode values to columns (times of day to the second).
pub fn to_columns(episodes: &[Episode]) -> OwnedColumns {
    let mut c = OwnedColumns::default();
    let split =
        |t: Option<NoticeTime>| t.map_or((NO_DATE, NO_TIME), |t| (t.day(), time::seconds_of(t)));
    for e in episodes {
        c.municipality.push(e.municipality.code());
        c.care_type.push(e.care_type as u8);
        let (d, m) = split(Some(e.ready_at));
        c.ready_day.push(d);
        c.ready_second.push(m);
        let (d, m) = split(e.discharged_at);
        c.discharge_day.push(d);
        c.discharge_second.push(m);
        let (d, m) = split(e.admitted_at);
        c.admitted_day.push(d);
        c.admitted_second.push(m);
        c.age.push(e.age.map_or(-1, i32::from));
    }
    c
}

/// Generates episodes straight into columns (no strings; for benches of tens of millions).
pub fn generate_columns(opts: &SynthOptions) -> OwnedColumns {
    let mut c = OwnedColumns::default();
    generate_rows(opts, |_, r| {
        c.municipality.push(r.muni.code());
        c.care_type.push(r.care as u8);
        c.ready_day.push(r.ready);
        c.ready_second.push(seconds(r.ready_min));
        c.discharge_day.push(r.discharge);
        c.discharge_second.push(seconds(r.discharge_min));
        c.admitted_day.push(r.admitted);
        c.admitted_second.push(seconds(r.admitted_min));
        c.age.push(r.age);
    });
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(opts: &SynthOptions) -> (String, String) {
        match opts.check() {
            Err(Error::InvalidArgument { name, message }) => (name, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn check_names_the_option_out_of_range() {
        let d = SynthOptions::default;
        assert!(d().check().is_ok());
        assert!(SynthOptions {
            year: FIRST_YEAR,
            months: MAX_MONTHS,
            ..d()
        }
        .check()
        .is_ok());
        assert!(SynthOptions {
            year: LAST_YEAR,
            months: 12,
            ..d()
        }
        .check()
        .is_ok());
        assert!(SynthOptions {
            open_share: 1.0,
            negative_share: 0.0,
            ..d()
        }
        .check()
        .is_ok());
        assert_eq!(
            refused(&SynthOptions { year: 1990, ..d() }),
            ("year".into(), "1990 is outside 1991–2100".into())
        );
        assert_eq!(refused(&SynthOptions { year: 2101, ..d() }).0, "year");
        assert_eq!(
            refused(&SynthOptions { months: 0, ..d() }),
            ("months".into(), "0; use 1–120".into())
        );
        assert_eq!(
            refused(&SynthOptions { months: 121, ..d() }),
            ("months".into(), "121; use 1–120".into())
        );
        assert_eq!(
            refused(&SynthOptions {
                year: 2095,
                months: 73,
                ..d()
            }),
            (
                "months".into(),
                "73 months from January 2095 end after December 2100; use 1–72".into()
            )
        );
        assert_eq!(
            refused(&SynthOptions {
                open_share: -0.1,
                ..d()
            }),
            ("open_share".into(), "-0.1 is not a share 0–1".into())
        );
        assert_eq!(
            refused(&SynthOptions {
                negative_share: f64::NAN,
                ..d()
            })
            .0,
            "negative_share"
        );
    }

    #[test]
    fn every_date_of_the_widest_options_is_in_range() {
        let in_range = |day: i32| {
            (time::day_number(time::MIN_DATE)..=time::day_number(time::MAX_DATE)).contains(&day)
        };
        for (year, months) in [
            (FIRST_YEAR, 1),
            (LAST_YEAR - 9, MAX_MONTHS),
            (LAST_YEAR, 12),
        ] {
            // The default shares (negative days move ready dates after discharge), and more
            // episodes than a year at the end of the range needs to hit its last days.
            let opts = SynthOptions {
                year,
                months,
                episodes: 60_000,
                ..Default::default()
            };
            opts.check().unwrap();
            let eps = generate(&opts);
            for e in &eps {
                assert!(in_range(e.ready_at.day()), "{}", e.ready_at);
                for t in [e.admitted_at, e.discharged_at, e.home_ready_at]
                    .into_iter()
                    .flatten()
                {
                    assert!(in_range(t.day()), "{t}");
                }
                if let Some(d) = e.planned_discharge_date {
                    assert!((time::MIN_DATE..=time::MAX_DATE).contains(&d), "{d}");
                }
            }
            // And the input layer's own checks (negative days aside) find nothing.
            let problems = crate::input::check_episodes(&eps, crate::input::NegativeDays::Day0);
            assert!(
                problems.is_empty(),
                "{year}: {:?}",
                &problems[..problems.len().min(3)]
            );
        }
    }

    #[test]
    fn national_year_is_realistic() {
        let eps = generate_columns(&SynthOptions::national_year(2023));
        let n = eps.len();
        assert!((800_000..900_000).contains(&n), "{n}");
        let mut day0 = 0usize;
        let mut ge1 = 0usize;
        let mut days = 0i64;
        let mut psych = 0usize;
        let mut open = 0usize;
        let mut neg = 0usize;
        for i in 0..n {
            psych += usize::from(eps.care_type[i] == 1);
            if eps.discharge_day[i] == NO_DATE {
                open += 1;
                continue;
            }
            let d = eps.discharge_day[i] - eps.ready_day[i];
            match d {
                0 => day0 += 1,
                d if d > 0 => {
                    ge1 += 1;
                    days += i64::from(d);
                }
                _ => neg += 1,
            }
        }
        let day0_share = day0 as f64 / (day0 + ge1) as f64;
        let mean = days as f64 / ge1 as f64;
        assert!((0.57..0.65).contains(&day0_share), "{day0_share}");
        assert!((2.5..2.9).contains(&mean), "{mean}");
        let psych_share = psych as f64 / n as f64;
        assert!((0.14..0.16).contains(&psych_share), "{psych_share}");
        assert!(open > 0 && neg > 0);
    }

    #[test]
    fn kalmar_year_covers_its_twelve_municipalities() {
        let eps = generate(&SynthOptions::kalmar_year(2025));
        let mut munis: Vec<u16> = eps.iter().map(|e| e.municipality.code()).collect();
        munis.sort_unstable();
        munis.dedup();
        assert_eq!(munis.len(), 12);
        assert!(eps.iter().all(|e| e.municipality.county().code() == 8));
        assert!(eps.len() > 10_000);
    }

    #[test]
    fn columns_match_values() {
        let opts = SynthOptions {
            episodes: 500,
            ..SynthOptions::default()
        };
        assert_eq!(to_columns(&generate(&opts)), generate_columns(&opts));
    }
}
