//! Indicators per group, care type and period, from an episode set or straight from columns.

use chrono::Datelike;
use utklar_core::engine::{measure_columns, EpisodeColumns};
use utklar_core::time::day_number;
use utklar_core::{IndicatorOptions, IndicatorReport, MeasureSet, Period, PeriodKind};

use crate::episodes::{utklar_columns, utklar_episodes};
use crate::error::{boundary, boundary_or, item, utklar_result, CError};
use crate::ffi::{arg_ref, arg_slice, free, into_raw, opt_slice, Out};
use crate::reference::{utklar_beds, utklar_population};
use crate::types::{
    care_type_out, group_by, group_out, growable, mode, negative_days, period_kind,
    period_kind_out, read_growable, reason_in, utklar_care_type, utklar_group_by,
    utklar_period_kind, utklar_problem, GrowableOut,
};

/// Options of an indicator computation. Initialise with `utklar_indicator_options_init`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_indicator_options {
    /// `sizeof` this struct as the caller's program knows it; set by `utklar_indicator_options_init`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// A `utklar_period_kind` (default `UTKLAR_PERIOD_KIND_MONTH`).
    pub period: u32,
    /// A `utklar_group_by` (default `UTKLAR_GROUP_BY_MUNICIPALITY`).
    pub group_by: u32,
    /// A `utklar_negative_days` (default `UTKLAR_NEGATIVE_DAYS_EXCLUDE`).
    pub negative_days: u32,
    /// A `utklar_mode` (default `UTKLAR_MODE_STRICT`: any bad row fails the call).
    pub mode: u32,
    /// Only episodes of patients at least this old, 0–150 (above is
    /// `UTKLAR_RESULT_INVALID_ARGUMENT`); negative (default `-1`) for no restriction. With a
    /// minimum age, an episode with no age is left out.
    pub min_age: i32,
}

/// A reporting period: `2025-03` is `{MONTH, 2025, 3, 20148, 31}`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_period {
    /// Month, quarter or year.
    pub kind: utklar_period_kind,
    /// The calendar year.
    pub year: i32,
    /// The month (1–12), the quarter (1–4), or 1 for a year.
    pub number: u32,
    /// The day number of the first day.
    pub first_day: i32,
    /// Calendar days in the period.
    pub days: u32,
}

impl utklar_period {
    pub(crate) fn of(p: Period) -> Self {
        let first = p.first_day();
        let number = match p.kind() {
            PeriodKind::Month => first.month(),
            PeriodKind::Quarter => first.month0() / 3 + 1,
            PeriodKind::Year => 1,
        };
        utklar_period {
            kind: period_kind_out(p.kind()),
            year: p.year(),
            number,
            first_day: day_number(first),
            days: p.days(),
        }
    }
}

/// The indicators of one group, care type and period. Ratios that cannot be computed (a zero
/// denominator, no population or beds given) are NaN: test with `isnan`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_indicator_row {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_indicator_report_get_row` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// How the rows are grouped.
    pub group_by: utklar_group_by,
    /// The group: a municipality code (880), a county code (8), or 0 for the nation.
    pub group_code: u16,
    /// Somatic or psychiatric.
    pub care_type: utklar_care_type,
    /// The period of discharge.
    pub period: utklar_period,
    /// Episodes discharged in the period (`day0 + ready_ge1`).
    pub episodes: u64,
    /// Episodes discharged on the ready date.
    pub day0: u64,
    /// Episodes with at least one ready day.
    pub ready_ge1: u64,
    /// The sum of ready days.
    pub ready_days: u64,
    /// Goal attainment (*måluppfyllelse*): `day0 / episodes`.
    pub goal_attainment: f64,
    /// Mean days, national definition: `ready_days / ready_ge1`.
    pub mean_days: f64,
    /// Mean days including day 0: `ready_days / episodes`.
    pub mean_days_incl_day0: f64,
    /// Annualised ready days per 1 000 inhabitants (65+ somatic, all ages psychiatric).
    pub days_per_1000: f64,
    /// Occupied beds: `ready_days / days in period`.
    pub occupied_beds: f64,
    /// Occupied beds as a share of available beds, in percent (county grouping only).
    pub bed_share_pct: f64,
}

/// How every input row was accounted for:
/// `rows_in == counted + open + outside_age + excluded`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_exclusions {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_indicator_report_get_exclusions` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// Rows given.
    pub rows_in: u64,
    /// Rows in the measures.
    pub counted: u64,
    /// Open episodes (no discharge yet).
    pub open: u64,
    /// Rows outside the age restriction.
    pub outside_age: u64,
    /// Rows excluded as bad data (lenient mode).
    pub excluded: u64,
}

/// Indicator rows and the account of every input row. Opaque; free with
/// `utklar_indicator_report_free`.
#[allow(non_camel_case_types)]
pub struct utklar_indicator_report {
    inner: IndicatorReport,
}

pub(crate) fn core_options(o: &utklar_indicator_options) -> Result<IndicatorOptions, CError> {
    // A negative min_age is "no restriction"; the range is the core's.
    let min_age = (o.min_age >= 0).then_some(i64::from(o.min_age));
    Ok(IndicatorOptions::default()
        .checked_min_age(min_age)?
        .period(period_kind(o.period)?)
        .negative_days(negative_days(o.negative_days)?)
        .mode(mode(o.mode)?))
}

/// Sets `*options` to the defaults: month, per municipality, exclude negative days, strict,
/// no age restriction.
///
/// Called through the header's macro `utklar_indicator_options_init(...)`, which passes `sizeof(utklar_indicator_options)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_indicator_options_init_sized(
    options: *mut utklar_indicator_options,
    size: usize,
) -> utklar_result {
    boundary(|| {
        GrowableOut::new(options, size, "options")?.write(utklar_indicator_options {
            struct_size: 0,
            ..default_options()
        });
        Ok(())
    })
}

/// The defaults `utklar_indicator_options_init` writes: the core's period, grouping, negative
/// days and age restriction (none: -1), and strict mode, C's own choice (a C caller sees no
/// warning, so bad rows fail the call unless it asks for lenient).
pub(crate) fn default_options() -> utklar_indicator_options {
    let core = IndicatorOptions::default();
    utklar_indicator_options {
        struct_size: std::mem::size_of::<utklar_indicator_options>() as u32,
        period: crate::types::period_kind_out(core.period) as u32,
        group_by: crate::types::group_by_out(utklar_core::GroupBy::default()) as u32,
        negative_days: crate::types::negative_days_out(core.negative_days) as u32,
        mode: crate::types::utklar_mode::Strict as u32,
        min_age: core.min_age.map_or(-1, i32::from),
    }
}

growable!(
    utklar_indicator_options,
    24,
    "initialise the options with utklar_indicator_options_init"
);
growable!(
    utklar_indicator_row,
    120,
    "call utklar_indicator_report_get_row (the header's macro passes sizeof)"
);
growable!(
    utklar_exclusions,
    48,
    "call utklar_indicator_report_get_exclusions (the header's macro passes sizeof)"
);

fn finish(
    set: &MeasureSet,
    options: &utklar_indicator_options,
    population: *const utklar_population,
    beds: *const utklar_beds,
    out: Out<*mut utklar_indicator_report>,
) -> Result<(), CError> {
    let by = group_by(options.group_by)?;
    // SAFETY of the optional arguments is in `ffi::arg_ref`; NULL means "none" here.
    let pop = arg_ref(population, "population").ok().map(|p| &p.inner);
    let beds = arg_ref(beds, "beds").ok().map(|b| &b.inner);
    let inner = set.indicators(by, pop, beds);
    out.write(into_raw(utklar_indicator_report { inner }));
    Ok(())
}

/// Computes the indicators of an episode set under `*options`, grouped by
/// `options->group_by`, into a new `*out`. `population` (for days per 1 000 inhabitants) and
/// `beds` (for the bed share) may be NULL.
///
/// In strict mode any row with a problem fails the call with `UTKLAR_RESULT_INVALID_ROWS`
/// (the last error message lists the rows); in lenient mode such rows are excluded and
/// reported. Negative days under `UTKLAR_NEGATIVE_DAYS_ERROR` fail the call too.
#[no_mangle]
pub extern "C" fn utklar_episodes_indicators(
    episodes: *const utklar_episodes,
    options: *const utklar_indicator_options,
    population: *const utklar_population,
    beds: *const utklar_beds,
    out: *mut *mut utklar_indicator_report,
) -> utklar_result {
    boundary(|| {
        let set_in = arg_ref(episodes, "episodes")?;
        let o = &read_growable(options, default_options(), "options")?;
        let out = Out::new(out, "out")?;
        let opts = core_options(o)?;
        group_by(o.group_by)?;
        finish(&set_in.set.measure(&opts)?, o, population, beds, out)
    })
}

/// Computes indicators straight from column arrays (read in place, nothing copied): only the
/// first nine columns of `utklar_columns` are used (municipality, care_type, ready_day,
/// discharge_day, ready_second, discharge_second, admitted_day, admitted_second, age), which
/// is all the indicators need. Otherwise as `utklar_episodes_indicators`; row numbers in
/// problems are array indexes.
#[no_mangle]
pub extern "C" fn utklar_columns_indicators(
    columns: *const utklar_columns,
    options: *const utklar_indicator_options,
    population: *const utklar_population,
    beds: *const utklar_beds,
    out: *mut *mut utklar_indicator_report,
) -> utklar_result {
    boundary(|| {
        let c = &read_growable(columns, utklar_columns::default(), "columns")?;
        let o = &read_growable(options, default_options(), "options")?;
        let out = Out::new(out, "out")?;
        let opts = core_options(o)?;
        group_by(o.group_by)?;
        let n = c.len;
        let cols = EpisodeColumns {
            municipality: arg_slice(c.municipality, n, "municipality")?,
            care_type: arg_slice(c.care_type, n, "care_type")?,
            ready_day: arg_slice(c.ready_day, n, "ready_day")?,
            discharge_day: arg_slice(c.discharge_day, n, "discharge_day")?,
            ready_second: opt_slice(c.ready_second, n, "ready_second")?,
            discharge_second: opt_slice(c.discharge_second, n, "discharge_second")?,
            admitted_day: opt_slice(c.admitted_day, n, "admitted_day")?,
            admitted_second: opt_slice(c.admitted_second, n, "admitted_second")?,
            age: opt_slice(c.age, n, "age")?,
            row_offset: 0,
        };
        finish(&measure_columns(&cols, &opts)?, o, population, beds, out)
    })
}

/// The number of indicator rows (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_indicator_report_len(report: *const utklar_indicator_report) -> usize {
    boundary_or(0, || {
        arg_ref(report, "report").map_or(0, |r| r.inner.rows.len())
    })
}

/// Writes indicator row `index` to `*out` (rows are in period, group and care-type order);
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_indicator_report_get_row(...)`, which passes `sizeof(utklar_indicator_row)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_indicator_report_get_row_sized(
    report: *const utklar_indicator_report,
    index: usize,
    out: *mut utklar_indicator_row,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let out = GrowableOut::new(out, size, "out")?;
        let row = item(&r.inner.rows, index)?;
        let (group_by, group_code) = group_out(row.group);
        let nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
        out.write(utklar_indicator_row {
            struct_size: 0,
            group_by,
            group_code,
            care_type: care_type_out(row.care_type),
            period: utklar_period::of(row.period),
            episodes: row.measures.episodes(),
            day0: row.measures.day0,
            ready_ge1: row.measures.ready_ge1,
            ready_days: row.measures.ready_days,
            goal_attainment: nan(row.goal_attainment),
            mean_days: nan(row.mean_days),
            mean_days_incl_day0: nan(row.mean_days_incl_day0),
            days_per_1000: nan(row.days_per_1000),
            occupied_beds: nan(row.occupied_beds),
            bed_share_pct: nan(row.bed_share_pct),
        });
        Ok(())
    })
}

/// Writes the account of the input rows to `*out`.
///
/// Called through the header's macro `utklar_indicator_report_get_exclusions(...)`, which passes `sizeof(utklar_exclusions)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_indicator_report_get_exclusions_sized(
    report: *const utklar_indicator_report,
    out: *mut utklar_exclusions,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let out = GrowableOut::new(out, size, "out")?;
        let e = &r.inner.exclusions;
        out.write(utklar_exclusions {
            struct_size: 0,
            rows_in: e.rows_in,
            counted: e.counted,
            open: e.open,
            outside_age: e.outside_age,
            excluded: e.excluded(),
        });
        Ok(())
    })
}

/// Writes to `*out` the number of rows excluded with `reason` (a `utklar_reason`; a row is
/// counted under its first problem).
#[no_mangle]
pub extern "C" fn utklar_indicator_report_excluded(
    report: *const utklar_indicator_report,
    reason: u32,
    out: *mut u64,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let reason = reason_in(reason)?;
        let out = Out::new(out, "out")?;
        out.write(r.inner.exclusions.count(reason));
        Ok(())
    })
}

/// The number of problems behind the excluded rows (a row may have several; 0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_indicator_report_problem_count(
    report: *const utklar_indicator_report,
) -> usize {
    boundary_or(0, || {
        arg_ref(report, "report").map_or(0, |r| r.inner.exclusions.problems.len())
    })
}

/// Writes problem `index` of the excluded rows to `*out`; `UTKLAR_RESULT_OUT_OF_RANGE` past
/// the end.
#[no_mangle]
pub extern "C" fn utklar_indicator_report_get_problem(
    report: *const utklar_indicator_report,
    index: usize,
    out: *mut utklar_problem,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let out = Out::new(out, "out")?;
        let problems = &r.inner.exclusions.problems;
        let p = item(problems, index)?;
        out.write(utklar_problem::of(p));
        Ok(())
    })
}

/// Frees an indicator report; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_indicator_report_free(report: *mut utklar_indicator_report) {
    boundary_or((), || free(report));
}
