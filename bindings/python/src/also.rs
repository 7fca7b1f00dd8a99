//! `utklar.indicators(..., also_by=[...])`: the core's indicators grouped by the caller's
//! columns too (`EpisodeSet::indicators_also_by`), read through `utklar_arrow::read_set_also`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::{Group, GroupBy};

use crate::output::{ArrowTable, TableBuilder};
use crate::{arrow_to_py, beds_of, core, open, options, parse, population_of, report_dict};

/// The indicators grouped by `by` and by the values of the columns `also_by` (see
/// `utklar.indicators`): the table (the group's column, then a column of each name, then the
/// indicators' fields) and the exclusion report.
#[pyfunction]
#[pyo3(signature = (episodes, also_by, *, period="month", by="municipality", negative_days="exclude", population=None, beds=None, strict=false, min_age=None, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
pub fn indicators_also_by<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    also_by: Vec<String>,
    period: &str,
    by: &str,
    negative_days: &str,
    population: Option<&Bound<'py, PyAny>>,
    beds: Option<&Bound<'py, PyAny>>,
    strict: bool,
    min_age: Option<i64>,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let opts = options(py, period, negative_days, strict, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let population = population_of(py, population)?;
    let beds = beds_of(py, beds)?;
    let reader = open(episodes)?;
    let set = py
        .detach(|| utklar_arrow::read_set_also(reader, allow_personal_ids, &also_by))
        .map_err(|e| arrow_to_py(py, e))?;
    let report = core(
        py,
        py.detach(|| set.indicators_also_by(&opts, by, population.as_ref(), beds.as_ref())),
    )?;
    let rows = &report.rows;
    let mut t = TableBuilder::default();
    if by != GroupBy::Nation {
        let name = if by == GroupBy::County {
            "county"
        } else {
            "municipality"
        };
        t.text(
            name,
            rows.iter().map(|r| match r.row.group {
                Group::Nation => None,
                g => Some(g.to_string()),
            }),
        );
    }
    // The caller's columns keep the caller's spelling.
    for (k, name) in also_by.iter().enumerate() {
        t.text(
            name.trim(),
            rows.iter().map(|r| r.also.get(k).cloned().flatten()),
        );
    }
    t.text(
        "care_type",
        rows.iter().map(|r| Some(r.row.care_type.as_str())),
    );
    t.text(
        "period",
        rows.iter().map(|r| Some(r.row.period.to_string())),
    );
    let measure = |f: fn(&utklar_core::Measures) -> u64| {
        rows.iter().map(move |r| Some(f(&r.row.measures) as i64))
    };
    t.int("episodes", measure(utklar_core::Measures::episodes));
    t.int("day0", measure(|m| m.day0));
    t.int("ready_ge1", measure(|m| m.ready_ge1));
    t.int("ready_days", measure(|m| m.ready_days));
    t.float(
        "goal_attainment",
        rows.iter().map(|r| r.row.goal_attainment),
    );
    t.float("mean_days", rows.iter().map(|r| r.row.mean_days));
    t.float(
        "mean_days_incl_day0",
        rows.iter().map(|r| r.row.mean_days_incl_day0),
    );
    t.float("days_per_1000", rows.iter().map(|r| r.row.days_per_1000));
    t.float("occupied_beds", rows.iter().map(|r| r.row.occupied_beds));
    t.float("bed_share_pct", rows.iter().map(|r| r.row.bed_share_pct));
    Ok((t.finish(), report_dict(py, &report.exclusions)?))
}
