//! The core's further measures (`utklar_core::extras`) over an episode set: the census of
//! patients still waiting, 30-day readmissions, planned-date accuracy and per-person counts
//! (`utklar census`, `utklar readmissions`, `utklar accuracy` on the command line).

use std::collections::BTreeMap;

use utklar_core::extras::{self, PersonCount, Readmissions, Waiting};
use utklar_core::{CareType, Group, GroupBy, IndicatorOptions, Mode, Period};

use crate::episodes::utklar_episodes;
use crate::error::{boundary, boundary_or, item, utklar_result, CError};
use crate::ffi::{arg_ref, free, into_raw, utklar_str, Out};
use crate::indicators::{core_options, default_options, utklar_indicator_options, utklar_period};
use crate::types::{
    care_type_out, group_by, group_out, growable, read_growable, utklar_care_type, utklar_group_by,
    GrowableOut,
};

/// The set's episodes, after the checks every measure makes first: ids that look like personal
/// identity numbers (unless allowed), and under `UTKLAR_MODE_STRICT` any row that could not
/// be read (`UTKLAR_RESULT_INVALID_ROWS`, as `utklar_episodes_invoice`).
fn checked(set: &utklar_episodes, mode: Mode) -> Result<&[utklar_core::Episode], CError> {
    Ok(set.set.checked_episodes(mode == Mode::Strict)?)
}

fn read_options(
    options: *const utklar_indicator_options,
) -> Result<(IndicatorOptions, GroupBy), CError> {
    let o = read_growable(options, default_options(), "options")?;
    Ok((core_options(&o)?, group_by(o.group_by)?))
}

/// The patients ready and not yet discharged on a date. Opaque; free with `utklar_census_free`.
#[allow(non_camel_case_types)]
pub struct utklar_census {
    waiting: Vec<Waiting>,
}

/// One patient waiting on the census date.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_waiting {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_census_get` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// The episode's row in the set.
    pub row: usize,
    /// The episode's id (lives as long as the census).
    pub episode_id: utklar_str,
    /// The municipality (its code).
    pub municipality: u16,
    /// The care type.
    pub care_type: utklar_care_type,
    /// The ready date (a day number).
    pub ready_day: i32,
    /// Days waited on the census date: the date − the ready date.
    pub waited_days: i32,
}

growable!(
    utklar_waiting,
    48,
    "call utklar_census_get (the header's macro passes sizeof)"
);

/// The census of the set on day `on_day` (a day number) into a new `*out`: every episode whose
/// ready date is on or before the day and that has no discharge, or a discharge after it, in
/// row order. `on_day` outside 1990-01-01 … 2100-12-31 is `UTKLAR_RESULT_INVALID_ARGUMENT`.
/// Rows that could not be read fail the call under `UTKLAR_MODE_STRICT` and are left out under
/// `UTKLAR_MODE_LENIENT`.
#[no_mangle]
pub extern "C" fn utklar_episodes_census(
    episodes: *const utklar_episodes,
    on_day: i32,
    mode: u32,
    out: *mut *mut utklar_census,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let mode = crate::types::mode(mode)?;
        let out = Out::new(out, "out")?;
        let waiting = extras::census_on_day(checked(set, mode)?, on_day)?
            .into_iter()
            .map(|w| Waiting {
                row: set.set.row_of(w.row),
                ..w
            })
            .collect();
        out.write(into_raw(utklar_census { waiting }));
        Ok(())
    })
}

/// The number of patients in a census (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_census_len(census: *const utklar_census) -> usize {
    boundary_or(0, || {
        arg_ref(census, "census").map_or(0, |c| c.waiting.len())
    })
}

/// Writes waiting patient `index` to `*out`; `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_census_get(...)`, which passes `sizeof(utklar_waiting)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_census_get_sized(
    census: *const utklar_census,
    index: usize,
    out: *mut utklar_waiting,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let c = arg_ref(census, "census")?;
        let out = GrowableOut::new(out, size, "out")?;
        let w = item(&c.waiting, index)?;
        out.write(utklar_waiting {
            struct_size: 0,
            row: w.row,
            episode_id: utklar_str::of(&w.episode_id),
            municipality: w.municipality.code(),
            care_type: care_type_out(w.care_type),
            ready_day: utklar_core::time::day_number(w.ready_date),
            waited_days: w.waited_days,
        });
        Ok(())
    })
}

/// Frees a census; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_census_free(census: *mut utklar_census) {
    boundary_or((), || free(census));
}

/// Readmissions per group, care type and period of discharge. Opaque; free with
/// `utklar_readmissions_free`.
#[allow(non_camel_case_types)]
pub struct utklar_readmissions {
    rows: Vec<((Period, Group, CareType), Readmissions)>,
}

/// The readmissions of one group, care type and period of discharge.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_readmission_row {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_readmissions_get_row` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// How the rows are grouped.
    pub group_by: utklar_group_by,
    /// The group: a municipality code, a county code, or 0 for the nation.
    pub group_code: u16,
    /// The care type.
    pub care_type: utklar_care_type,
    /// The period of discharge.
    pub period: utklar_period,
    /// Counted discharges with a `patient_id`.
    pub discharges: u64,
    /// Of those, followed by an admission of the same patient within the window.
    pub readmitted: u64,
    /// `readmitted / discharges`; NaN when there are no discharges.
    pub share: f64,
}

growable!(
    utklar_readmission_row,
    64,
    "call utklar_readmissions_get_row (the header's macro passes sizeof)"
);

/// The share of counted discharges (with a `patient_id`) followed by an admission of the same
/// patient 0 to `window_days` days after the discharge date, per group (`options->group_by`),
/// care type and period of discharge (`options->period`), into a new `*out`. The options'
/// negative-days policy and minimum age decide which episodes count, as for the indicators;
/// under `UTKLAR_MODE_STRICT` a row that could not be read fails the call. A window outside
/// 0 to 3 650 days is `UTKLAR_RESULT_INVALID_ARGUMENT` (the message names `window`).
#[no_mangle]
pub extern "C" fn utklar_episodes_readmissions(
    episodes: *const utklar_episodes,
    options: *const utklar_indicator_options,
    window_days: i32,
    out: *mut *mut utklar_readmissions,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let (opts, by) = read_options(options)?;
        let out = Out::new(out, "out")?;
        let eps = checked(set, opts.mode)?;
        let rows: BTreeMap<_, _> = extras::readmissions(eps, &opts, by, window_days)?;
        out.write(into_raw(utklar_readmissions {
            rows: rows.into_iter().collect(),
        }));
        Ok(())
    })
}

/// The number of readmission rows (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_readmissions_len(report: *const utklar_readmissions) -> usize {
    boundary_or(0, || arg_ref(report, "report").map_or(0, |r| r.rows.len()))
}

/// Writes readmission row `index` (in period, group and care-type order) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_readmissions_get_row(...)`, which passes `sizeof(utklar_readmission_row)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_readmissions_get_row_sized(
    report: *const utklar_readmissions,
    index: usize,
    out: *mut utklar_readmission_row,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let out = GrowableOut::new(out, size, "out")?;
        let ((period, group, care), x) = item(&r.rows, index)?;
        let (group_by, group_code) = group_out(*group);
        out.write(utklar_readmission_row {
            struct_size: 0,
            group_by,
            group_code,
            care_type: care_type_out(*care),
            period: utklar_period::of(*period),
            discharges: x.discharges,
            readmitted: x.readmitted,
            share: x.share.unwrap_or(f64::NAN),
        });
        Ok(())
    })
}

/// Frees a readmission report; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_readmissions_free(report: *mut utklar_readmissions) {
    boundary_or((), || free(report));
}

/// Distinct persons per group, care type and period. Opaque; free with `utklar_persons_free`.
#[allow(non_camel_case_types)]
pub struct utklar_persons {
    rows: Vec<((Period, Group, CareType), PersonCount)>,
}

/// The persons of one group, care type and period of discharge.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_person_row {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_persons_get_row` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// How the rows are grouped.
    pub group_by: utklar_group_by,
    /// The group: a municipality code, a county code, or 0 for the nation.
    pub group_code: u16,
    /// The care type.
    pub care_type: utklar_care_type,
    /// The period of discharge.
    pub period: utklar_period,
    /// Counted episodes.
    pub episodes: u64,
    /// Distinct `patient_id`s among them.
    pub persons: u64,
    /// Counted episodes with no `patient_id` (not in `persons`).
    pub without_patient_id: u64,
}

growable!(
    utklar_person_row,
    64,
    "call utklar_persons_get_row (the header's macro passes sizeof)"
);

/// Distinct `patient_id`s of the counted episodes per group (`options->group_by`), care type
/// and period of discharge (`options->period`), into a new `*out`; otherwise as
/// `utklar_episodes_readmissions`.
#[no_mangle]
pub extern "C" fn utklar_episodes_persons(
    episodes: *const utklar_episodes,
    options: *const utklar_indicator_options,
    out: *mut *mut utklar_persons,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let (opts, by) = read_options(options)?;
        let out = Out::new(out, "out")?;
        let eps = checked(set, opts.mode)?;
        out.write(into_raw(utklar_persons {
            rows: extras::persons(eps, &opts, by).into_iter().collect(),
        }));
        Ok(())
    })
}

/// The number of person rows (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_persons_len(report: *const utklar_persons) -> usize {
    boundary_or(0, || arg_ref(report, "report").map_or(0, |r| r.rows.len()))
}

/// Writes person row `index` (in period, group and care-type order) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_persons_get_row(...)`, which passes `sizeof(utklar_person_row)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_persons_get_row_sized(
    report: *const utklar_persons,
    index: usize,
    out: *mut utklar_person_row,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let r = arg_ref(report, "report")?;
        let out = GrowableOut::new(out, size, "out")?;
        let ((period, group, care), x) = item(&r.rows, index)?;
        let (group_by, group_code) = group_out(*group);
        out.write(utklar_person_row {
            struct_size: 0,
            group_by,
            group_code,
            care_type: care_type_out(*care),
            period: utklar_period::of(*period),
            episodes: x.episodes,
            persons: x.persons,
            without_patient_id: x.without_patient_id,
        });
        Ok(())
    })
}

/// Frees a person report; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_persons_free(report: *mut utklar_persons) {
    boundary_or((), || free(report));
}

/// How well the planned discharge date matched the ready date, over the counted episodes that
/// carry one. Ratios over no episodes are NaN.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_planned_accuracy {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_episodes_planned_accuracy` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// Counted episodes with a planned date.
    pub episodes: u64,
    /// Share whose planned date equals the ready date.
    pub exact_share: f64,
    /// Mean absolute error in days, `|planned − ready date|`.
    pub mean_abs_error_days: f64,
    /// Mean signed error in days, `planned − ready date` (positive: planned too late).
    pub bias_days: f64,
}

growable!(
    utklar_planned_accuracy,
    40,
    "call utklar_episodes_planned_accuracy (the header's macro passes sizeof)"
);

/// Writes the planned-date accuracy (*beräknad tidpunkt för utskrivning* against the ready
/// date) of the set's counted episodes to `*out`. The options' negative-days policy and
/// minimum age decide which episodes count (`period` and `group_by` are not used); under
/// `UTKLAR_MODE_STRICT` a row that could not be read fails the call.
///
/// Called through the header's macro `utklar_episodes_planned_accuracy(...)`, which passes `sizeof(utklar_planned_accuracy)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_episodes_planned_accuracy_sized(
    episodes: *const utklar_episodes,
    options: *const utklar_indicator_options,
    out: *mut utklar_planned_accuracy,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let (opts, _) = read_options(options)?;
        let out = GrowableOut::new(out, size, "out")?;
        let a = extras::planned_accuracy(checked(set, opts.mode)?, &opts);
        let nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
        out.write(utklar_planned_accuracy {
            struct_size: 0,
            episodes: a.episodes,
            exact_share: nan(a.exact_share),
            mean_abs_error_days: nan(a.mean_abs_error_days),
            bias_days: nan(a.bias_days),
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Growable;
    use std::mem::size_of;

    fn first<T: Growable>() -> usize {
        T::FIRST_SIZE
    }

    #[test]
    fn first_sizes_are_the_published_layouts() {
        assert_eq!(first::<utklar_waiting>(), size_of::<utklar_waiting>());
        assert_eq!(
            first::<utklar_readmission_row>(),
            size_of::<utklar_readmission_row>()
        );
        assert_eq!(first::<utklar_person_row>(), size_of::<utklar_person_row>());
        assert_eq!(
            first::<utklar_planned_accuracy>(),
            size_of::<utklar_planned_accuracy>()
        );
    }
}
