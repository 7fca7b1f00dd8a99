//! The county registry, the national amounts and the core's further measures (readmissions,
//! planned-date accuracy, per-person counts) as Arrow tables, with the columns of the command
//! line's csv output (`utklar presets --counties`, `utklar amounts`, `utklar readmissions`,
//! `utklar accuracy`).

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::input::EpisodeSet;
use utklar_core::payment::{counties as county_registry, NATIONAL_AMOUNTS};
use utklar_core::{extras, Episode, Error, GroupBy, IndicatorOptions, Mode};

use crate::output::{ArrowTable, TableBuilder};
use crate::{core, options, parse, read_set, report_dict, set_report};

/// The 21 counties and what is known of their agreements (see `utklar.counties`).
#[pyfunction]
fn counties() -> ArrowTable {
    let all = county_registry();
    let mut t = TableBuilder::default();
    t.text("county", all.iter().map(|c| Some(c.county.to_string())));
    t.text("name", all.iter().map(|c| Some(c.county.name())));
    t.text("model", all.iter().map(|c| Some(c.model_str())));
    t.text("preset", all.iter().map(|c| c.preset));
    t.text("source", all.iter().map(|c| Some(c.source)));
    t.finish()
}

/// The sourced national amounts per care day (see `utklar.amounts`).
#[pyfunction]
fn amounts() -> ArrowTable {
    let mut t = TableBuilder::default();
    t.int(
        "year",
        NATIONAL_AMOUNTS.iter().map(|a| Some(i64::from(a.0))),
    );
    t.int("ore", NATIONAL_AMOUNTS.iter().map(|a| Some(a.1)));
    t.text("source", NATIONAL_AMOUNTS.iter().map(|a| Some(a.2)));
    t.finish()
}

/// The set's episodes after the checks of every computation: ids that look like personal
/// identity numbers (unless allowed) and, with `strict`, any row that could not be read.
fn checked(set: &EpisodeSet, strict: bool) -> Result<&[Episode], Error> {
    set.checked_episodes(strict)
}

/// Readmissions per group, care type and period of discharge (see `utklar.readmissions`).
#[pyfunction]
#[pyo3(signature = (episodes, *, by="municipality", period="month", window=extras::DEFAULT_READMISSION_WINDOW_DAYS, strict=false, allow_personal_ids=false))]
fn readmissions<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    by: &str,
    period: &str,
    window: i32,
    strict: bool,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let by: GroupBy = parse(py, by)?;
    let opts = options(py, period, default_negative_days(), strict, None)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let rows = core(
        py,
        py.detach(|| {
            checked(&set, opts.mode == Mode::Strict)
                .and_then(|eps| extras::readmissions(eps, &opts, by, window))
        }),
    )?;
    let mut t = TableBuilder::default();
    t.text("group", rows.keys().map(|k| Some(k.1.to_string())));
    t.text("care_type", rows.keys().map(|k| Some(k.2.as_str())));
    t.text("period", rows.keys().map(|k| Some(k.0.to_string())));
    t.int(
        "discharges",
        rows.values().map(|r| Some(r.discharges as i64)),
    );
    t.int(
        "readmitted",
        rows.values().map(|r| Some(r.readmitted as i64)),
    );
    t.float("share", rows.values().map(|r| r.share));
    Ok((t.finish(), report_dict(py, &set_report(&set))?))
}

/// Distinct persons per group, care type and period of discharge (see `utklar.persons`).
#[pyfunction]
#[pyo3(signature = (episodes, *, by="municipality", period="month", strict=false, allow_personal_ids=false))]
fn persons<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    by: &str,
    period: &str,
    strict: bool,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let by: GroupBy = parse(py, by)?;
    let opts = options(py, period, default_negative_days(), strict, None)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let rows = core(
        py,
        py.detach(|| {
            checked(&set, opts.mode == Mode::Strict).map(|eps| extras::persons(eps, &opts, by))
        }),
    )?;
    let mut t = TableBuilder::default();
    t.text("group", rows.keys().map(|k| Some(k.1.to_string())));
    t.text("care_type", rows.keys().map(|k| Some(k.2.as_str())));
    t.text("period", rows.keys().map(|k| Some(k.0.to_string())));
    t.int("episodes", rows.values().map(|r| Some(r.episodes as i64)));
    t.int("persons", rows.values().map(|r| Some(r.persons as i64)));
    t.int(
        "without_patient_id",
        rows.values().map(|r| Some(r.without_patient_id as i64)),
    );
    Ok((t.finish(), report_dict(py, &set_report(&set))?))
}

/// Planned-date accuracy (see `utklar.accuracy`): a table of one row.
#[pyfunction]
#[pyo3(signature = (episodes, *, strict=false, allow_personal_ids=false))]
fn accuracy<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    strict: bool,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let opts = options(
        py,
        IndicatorOptions::default().period.as_str(),
        default_negative_days(),
        strict,
        None,
    )?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let a = core(
        py,
        py.detach(|| {
            checked(&set, opts.mode == Mode::Strict).map(|eps| extras::planned_accuracy(eps, &opts))
        }),
    )?;
    let mut t = TableBuilder::default();
    t.int("episodes", [Some(a.episodes as i64)]);
    t.float("exact_share", [a.exact_share]);
    t.float("mean_abs_error_days", [a.mean_abs_error_days]);
    t.float("bias_days", [a.bias_days]);
    Ok((t.finish(), report_dict(py, &set_report(&set))?))
}

/// The core's negative-days policy, for the measures whose callers cannot choose one.
fn default_negative_days() -> &'static str {
    IndicatorOptions::default().negative_days.as_str()
}

/// Adds this module's functions to the compiled module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(counties, m)?)?;
    m.add_function(wrap_pyfunction!(amounts, m)?)?;
    m.add_function(wrap_pyfunction!(readmissions, m)?)?;
    m.add(
        "DEFAULT_READMISSION_WINDOW_DAYS",
        extras::DEFAULT_READMISSION_WINDOW_DAYS,
    )?;
    m.add_function(wrap_pyfunction!(persons, m)?)?;
    m.add_function(wrap_pyfunction!(accuracy, m)?)?;
    Ok(())
}
