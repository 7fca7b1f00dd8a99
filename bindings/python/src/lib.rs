//! `utklar._utklar`: the compiled module under the `utklar` Python package.
//!
//! It translates and calls the core, nothing more: Arrow columns in (see [`input`]), the
//! core's columnar entry point or its episode values, Arrow tables out (see [`output`]),
//! core errors to Python exceptions (see [`errors`]). Every formula and rule stays in
//! `utklar-core`. The GIL is released while the core computes and while the input stream is
//! read.

mod also;
mod errors;
mod explain;
mod files;
mod input;
mod measures;
mod output;
mod payment;
mod report;

use std::str::FromStr;

use arrow_array::ffi_stream::RecordBatchStreamReader;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use utklar_core::input::EpisodeSet;
use utklar_core::time;
use utklar_core::validate::{Mode, NegativeDays, Reason};
use utklar_core::{
    extras, synth, Beds, County, Episode, Error, ExclusionReport, Group, GroupBy, IndicatorOptions,
    IndicatorReport, Municipality, PeriodKind, Population,
};

use crate::output::{ArrowTable, TableBuilder};

/// Opens the Arrow C stream of an episode table.
fn open(episodes: &Bound<'_, PyAny>) -> PyResult<RecordBatchStreamReader> {
    input::open_stream(episodes, "episodes")
}

/// A utklar-arrow error as a Python exception: the core's own errors by their class, the
/// others as an `InvalidArgumentError` about the episodes (or the column at fault).
fn arrow_to_py(py: Python<'_>, e: utklar_arrow::Error) -> PyErr {
    match e {
        utklar_arrow::Error::Core(e) => errors::to_py(py, e),
        utklar_arrow::Error::UnsupportedType { ref column, .. } => {
            errors::invalid_argument(py, column, e.to_string())
        }
        utklar_arrow::Error::Arrow(_) => errors::invalid_argument(py, "episodes", e.to_string()),
    }
}

/// Reads an episode table into the core's data set, the GIL released; ids that look like
/// personal identity numbers let through when `allow_personal_ids` (otherwise the set's
/// computations refuse them).
fn read_set(
    py: Python<'_>,
    episodes: &Bound<'_, PyAny>,
    allow_personal_ids: bool,
) -> PyResult<EpisodeSet> {
    let reader = open(episodes)?;
    py.detach(|| utklar_arrow::read_set_with(reader, allow_personal_ids))
        .map_err(|e| arrow_to_py(py, e))
}

/// The account of a data set's rows: every episode counted, every unreadable row excluded
/// under its first problem.
fn set_report(set: &EpisodeSet) -> ExclusionReport {
    let mut report = ExclusionReport::default();
    report.rows_in = set.rows_in();
    report.counted = set.episodes().len() as u64;
    for u in set.unreadable() {
        report.exclude(u.problems.iter().cloned());
    }
    report
}

fn core<T>(py: Python<'_>, r: Result<T, Error>) -> PyResult<T> {
    r.map_err(|e| errors::to_py(py, e))
}

/// The exclusion report as a dict (the Python layer wraps it in `utklar.ExclusionReport`).
fn report_dict<'py>(py: Python<'py>, r: &ExclusionReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows_in", r.rows_in)?;
    d.set_item("counted", r.counted)?;
    d.set_item("open", r.open)?;
    d.set_item("outside_age", r.outside_age)?;
    d.set_item("excluded", r.excluded())?;
    let by = PyDict::new(py);
    for (reason, n) in r.reasons() {
        by.set_item(reason.as_str(), n)?;
    }
    d.set_item("by_reason", by)?;
    d.set_item("problems", errors::problem_tuples(py, &r.problems)?)?;
    d.set_item("json", report_json(r))?;
    Ok(d)
}

/// The report as Python's `json.dumps(ExclusionReport.to_dict())` writes it (the metadata a
/// pyarrow result carries), written here because many thousand problems take Python's
/// encoder milliseconds. Same keys in the same order, `", "` and `": "` separators, strings
/// escaped to ASCII.
fn report_json(r: &ExclusionReport) -> String {
    use std::fmt::Write;
    fn text(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                ' '..='~' => out.push(c),
                _ => {
                    for u in c.encode_utf16(&mut [0; 2]) {
                        let _ = write!(out, "\\u{u:04x}");
                    }
                }
            }
        }
        out.push('"');
    }
    let mut s = String::with_capacity(160 + r.problems.len() * 48);
    let _ = write!(
        s,
        "{{\"rows_in\": {}, \"counted\": {}, \"open\": {}, \"outside_age\": {}, \"excluded\": {}, \"by_reason\": {{",
        r.rows_in,
        r.counted,
        r.open,
        r.outside_age,
        r.excluded()
    );
    for (k, (reason, n)) in r.reasons().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        text(&mut s, reason.as_str());
        let _ = write!(s, ": {n}");
    }
    s.push_str("}, \"problems\": [");
    for (k, p) in r.problems.iter().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "[{}, ", p.row);
        text(&mut s, p.field.as_str());
        s.push_str(", ");
        text(&mut s, p.reason.as_str());
        s.push(']');
    }
    s.push_str("]}");
    s
}

fn population_of(py: Python<'_>, p: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Population>> {
    let Some(p) = p else { return Ok(None) };
    if let Ok(s) = p.extract::<String>() {
        return if s == "builtin" {
            Ok(Some(Population::builtin()))
        } else {
            Err(errors::invalid_argument(
                py,
                "population",
                format!("{s:?}: give a table (municipality, year, pop_total, pop_65plus) or \"builtin\""),
            ))
        };
    }
    let mut pop = Population::new();
    reference_rows(
        py,
        p,
        "population",
        &["municipality", "year", "pop_total", "pop_65plus"],
        |v| pop.insert_text(&v[0], &v[1], &v[2], &v[3]),
    )?;
    Ok(Some(pop))
}

fn beds_of(py: Python<'_>, b: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Beds>> {
    let Some(b) = b else { return Ok(None) };
    let mut beds = Beds::new();
    reference_rows(
        py,
        b,
        "beds",
        &["county", "period", "available_beds"],
        |v| beds.insert_text(&v[0], &v[1], &v[2]),
    )?;
    Ok(Some(beds))
}

/// Reads a small reference table (population, beds) as text cells, row by row, into the
/// core's own text readers.
fn reference_rows(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    what: &str,
    columns: &[&str],
    mut f: impl FnMut(&[String]) -> Result<(), Error>,
) -> PyResult<()> {
    use arrow_array::RecordBatchReader;
    let reader = input::open_stream(table, what)?;
    let schema = reader.schema();
    let mut idx = Vec::new();
    for c in columns {
        let i = schema
            .fields()
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(c))
            .ok_or_else(|| {
                errors::invalid_argument(
                    py,
                    what,
                    format!(
                        "missing column `{c}`: the table needs {}",
                        columns.join(", ")
                    ),
                )
            })?;
        idx.push(i);
    }
    for batch in reader {
        let batch = batch.map_err(|e| arrow_to_py(py, e.into()))?;
        let cells: Vec<Vec<Option<String>>> = idx
            .iter()
            .map(|&i| input::cells_as_text(batch.column(i).as_ref()))
            .collect::<Result<_, _>>()
            .map_err(|m| errors::invalid_argument(py, what, m))?;
        for r in 0..batch.num_rows() {
            let row: Vec<String> = cells
                .iter()
                .map(|c| c[r].clone().unwrap_or_default())
                .collect();
            f(&row).map_err(|e| errors::to_py_in(py, e, Some(&format!("{what} row {r}"))))?;
        }
    }
    Ok(())
}

fn indicator_table(report: &IndicatorReport, by: GroupBy, suppression: bool) -> ArrowTable {
    indicator_rows_table(&report.rows, by, suppression, &[])
}

/// The indicator table of `rows`: the group's column, then each of `also` (a name and a value
/// per row), then the care type, period and indicators (and `suppressed` with `suppression`).
pub(crate) fn indicator_rows_table(
    rows: &[utklar_core::IndicatorRow],
    by: GroupBy,
    suppression: bool,
    also: &[(&str, Vec<Option<String>>)],
) -> ArrowTable {
    let mut t = TableBuilder::default();
    match by {
        GroupBy::Municipality | GroupBy::County => {
            let name = if by == GroupBy::County {
                "county"
            } else {
                "municipality"
            };
            t.text(
                name,
                rows.iter().map(|r| match r.group {
                    Group::Nation => None,
                    g => Some(g.to_string()),
                }),
            );
        }
        GroupBy::Nation => {}
    }
    for (name, values) in also {
        t.text(name, values.iter().map(|v| v.as_deref()));
    }
    t.text("care_type", rows.iter().map(|r| Some(r.care_type.as_str())));
    t.text("period", rows.iter().map(|r| Some(r.period.to_string())));
    // A suppressed row's measures are not published: null, never a 0.
    let measure = |f: fn(&utklar_core::Measures) -> u64| {
        rows.iter()
            .map(move |r| r.published_measures().map(|m| f(&m) as i64))
    };
    t.int("episodes", measure(utklar_core::Measures::episodes));
    t.int("day0", measure(|m| m.day0));
    t.int("ready_ge1", measure(|m| m.ready_ge1));
    t.int("ready_days", measure(|m| m.ready_days));
    t.float("goal_attainment", rows.iter().map(|r| r.goal_attainment));
    t.float("mean_days", rows.iter().map(|r| r.mean_days));
    t.float(
        "mean_days_incl_day0",
        rows.iter().map(|r| r.mean_days_incl_day0),
    );
    t.float("days_per_1000", rows.iter().map(|r| r.days_per_1000));
    t.float("occupied_beds", rows.iter().map(|r| r.occupied_beds));
    t.float("bed_share_pct", rows.iter().map(|r| r.bed_share_pct));
    if suppression {
        t.boolean("suppressed", rows.iter().map(|r| Some(r.suppressed)));
    }
    t.finish()
}

fn parse<T: FromStr<Err = Error>>(py: Python<'_>, s: &str) -> PyResult<T> {
    core(py, s.parse())
}

fn options(
    py: Python<'_>,
    period: &str,
    negative_days: &str,
    strict: bool,
    min_age: Option<i64>,
) -> PyResult<IndicatorOptions> {
    let opts = core(py, IndicatorOptions::default().checked_min_age(min_age))?;
    Ok(opts
        .period(parse::<PeriodKind>(py, period)?)
        .negative_days(parse::<NegativeDays>(py, negative_days)?)
        .mode(if strict { Mode::Strict } else { Mode::Lenient }))
}

/// The national indicators of an episode table (see `utklar.indicators`).
#[pyfunction]
#[pyo3(signature = (episodes, *, period="month", by="municipality", negative_days="exclude", population=None, beds=None, strict=false, min_age=None, suppress_below=None, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
fn indicators<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    period: &str,
    by: &str,
    negative_days: &str,
    population: Option<&Bound<'py, PyAny>>,
    beds: Option<&Bound<'py, PyAny>>,
    strict: bool,
    min_age: Option<i64>,
    suppress_below: Option<u64>,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let opts = options(py, period, negative_days, strict, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let population = population_of(py, population)?;
    let beds = beds_of(py, beds)?;
    let reader = open(episodes)?;
    // One worker per core, at most 8 (as `utklar_arrow::measure`).
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    let report = py
        .detach(|| {
            utklar_arrow::measure_with_threads(reader, &opts, threads, allow_personal_ids).map(
                |set| {
                    let mut report = set.indicators(by, population.as_ref(), beds.as_ref());
                    if let Some(k) = suppress_below {
                        report.suppress_below(k);
                    }
                    report
                },
            )
        })
        .map_err(|e| arrow_to_py(py, e))?;
    Ok((
        indicator_table(&report, by, suppress_below.is_some()),
        report_dict(py, &report.exclusions)?,
    ))
}

/// Every problem of every row (see `utklar.validate`).
#[pyfunction]
#[pyo3(signature = (episodes, *, negative_days="exclude", allow_personal_ids=false))]
fn validate_rows<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    negative_days: &str,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, u64)> {
    let policy: NegativeDays = parse(py, negative_days)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    core(py, set.check_personal_ids())?;
    let (problems, rows_in) = py.detach(|| (set.problems(policy), set.rows_in()));
    let mut t = TableBuilder::default();
    t.int("row", problems.iter().map(|p| Some(p.row as i64)));
    t.text("column", problems.iter().map(|p| Some(p.field.as_str())));
    t.text("reason", problems.iter().map(|p| Some(p.reason.as_str())));
    t.text("hint", problems.iter().map(|p| Some(p.reason.hint())));
    Ok((t.finish(), rows_in))
}

/// Patients ready and not yet discharged on a date (see `utklar.census`).
#[pyfunction]
#[pyo3(signature = (episodes, on, *, allow_personal_ids=false))]
fn census<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    on: NaiveDate,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let set = read_set(py, episodes, allow_personal_ids)?;
    let (waiting, report) = py
        .detach(|| -> Result<_, Error> {
            set.check_personal_ids()?;
            let waiting: Vec<extras::Waiting> = extras::census(set.episodes(), on)?
                .into_iter()
                .map(|w| extras::Waiting {
                    row: set.row_of(w.row),
                    ..w
                })
                .collect();
            Ok((waiting, set_report(&set)))
        })
        .map_err(|e| errors::to_py(py, e))?;
    let mut t = TableBuilder::default();
    t.int("row", waiting.iter().map(|w| Some(w.row as i64)));
    t.text(
        "episode_id",
        waiting.iter().map(|w| Some(w.episode_id.as_str())),
    );
    t.text(
        "municipality",
        waiting.iter().map(|w| Some(w.municipality.to_string())),
    );
    t.text(
        "care_type",
        waiting.iter().map(|w| Some(w.care_type.as_str())),
    );
    t.date(
        "ready_date",
        waiting.iter().map(|w| Some(time::day_number(w.ready_date))),
    );
    t.int(
        "waited_days",
        waiting.iter().map(|w| Some(i64::from(w.waited_days))),
    );
    Ok((t.finish(), report_dict(py, &report)?))
}

fn micros(t: Option<utklar_core::NoticeTime>) -> Option<i64> {
    t.map(|t| {
        let secs = i64::from(t.day()) * 86_400
            + t.time.map_or(0, |x| {
                use chrono::Timelike;
                i64::from(x.num_seconds_from_midnight())
            });
        secs * 1_000_000
            + t.time.map_or(0, |x| {
                use chrono::Timelike;
                i64::from(x.nanosecond() / 1000)
            })
    })
}

/// Writes one date-time column of an episode table: the episodes' values of `f` as `name`.
pub(crate) type TimeColumn =
    fn(&mut TableBuilder, &str, &[Episode], fn(&Episode) -> Option<utklar_core::NoticeTime>);

/// A date-time column as naive timestamps (Swedish local time, microseconds).
fn timestamp_column(
    t: &mut TableBuilder,
    name: &str,
    eps: &[Episode],
    f: fn(&Episode) -> Option<utklar_core::NoticeTime>,
) {
    t.timestamp(name, eps.iter().map(|e| micros(f(e))));
}

/// Episodes as a table with the episode columns (docs/episodes.md), date-times as timestamps.
fn episode_table(eps: &[Episode]) -> ArrowTable {
    episode_table_with(eps, timestamp_column)
}

/// Episodes as a table with the episode columns, each date-time column written by `time`.
pub(crate) fn episode_table_with(eps: &[Episode], time: TimeColumn) -> ArrowTable {
    let mut t = TableBuilder::default();
    t.text(
        "episode_id",
        eps.iter().map(|e| Some(e.episode_id.as_str())),
    );
    t.text("patient_id", eps.iter().map(|e| e.patient_id.as_deref()));
    t.text(
        "municipality",
        eps.iter().map(|e| Some(e.municipality.to_string())),
    );
    t.text("care_type", eps.iter().map(|e| Some(e.care_type.as_str())));
    time(&mut t, "admitted_at", eps, |e| e.admitted_at);
    time(&mut t, "ready_at", eps, |e| Some(e.ready_at));
    time(&mut t, "discharged_at", eps, |e| e.discharged_at);
    time(&mut t, "home_ready_at", eps, |e| e.home_ready_at);
    t.date(
        "planned_discharge_date",
        eps.iter()
            .map(|e| e.planned_discharge_date.map(utklar_core::time::day_number)),
    );
    t.int("age", eps.iter().map(|e| e.age.map(i64::from)));
    t.boolean(
        "admission_notice_sent",
        eps.iter().map(|e| Some(e.admission_notice_sent)),
    );
    t.boolean("sip_required", eps.iter().map(|e| Some(e.sip_required)));
    t.boolean("sip_called", eps.iter().map(|e| Some(e.sip_called)));
    t.boolean("region_blocked", eps.iter().map(|e| Some(e.region_blocked)));
    t.finish()
}

#[allow(clippy::too_many_arguments)]
fn synth_options(
    py: Python<'_>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    municipalities: Option<Vec<String>>,
    seed: u64,
    open_share: f64,
    negative_share: f64,
) -> PyResult<synth::SynthOptions> {
    let mut munis: Vec<Municipality> = Vec::new();
    if let Some(c) = county {
        let c = core(py, County::by_code_or_name(c))?;
        munis.extend(c.municipalities());
    }
    for m in municipalities.unwrap_or_default() {
        munis.push(core(py, Municipality::by_code_or_name(&m))?);
    }
    let opts = synth::SynthOptions {
        seed,
        episodes,
        year,
        months,
        municipalities: munis,
        open_share,
        negative_share,
    };
    // The core's option names are the keyword arguments' names.
    opts.check().map_err(|e| errors::to_py(py, e))?;
    Ok(opts)
}

/// Generated episodes (see `utklar.synth`).
#[pyfunction]
#[pyo3(signature = (*, year=2025, months=12, episodes=0, county=None, municipalities=None, seed=2025, open_share=0.01, negative_share=0.003))]
#[allow(clippy::too_many_arguments)]
fn synth_episodes(
    py: Python<'_>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    municipalities: Option<Vec<String>>,
    seed: u64,
    open_share: f64,
    negative_share: f64,
) -> PyResult<ArrowTable> {
    let opts = synth_options(
        py,
        year,
        months,
        episodes,
        county,
        municipalities,
        seed,
        open_share,
        negative_share,
    )?;
    Ok(py.detach(|| episode_table(&synth::generate(&opts))))
}

/// The core's own indicators over generated episode values, bypassing Arrow: the reference
/// the test suite compares `indicators` against.
#[pyfunction]
#[pyo3(signature = (*, year=2025, months=12, episodes=0, county=None, seed=2025, period="month", by="municipality", negative_days="exclude", min_age=None))]
#[allow(clippy::too_many_arguments)]
fn _core_indicators_of_synth<'py>(
    py: Python<'py>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    seed: u64,
    period: &str,
    by: &str,
    negative_days: &str,
    min_age: Option<i64>,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let sopts = synth_options(py, year, months, episodes, county, None, seed, 0.01, 0.003)?;
    let opts = options(py, period, negative_days, false, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let pop = Population::builtin();
    let report = core(
        py,
        utklar_core::indicators(&synth::generate(&sopts), &opts, by, Some(&pop), None),
    )?;
    Ok((
        indicator_table(&report, by, false),
        report_dict(py, &report.exclusions)?,
    ))
}

/// An invoice (see `utklar.invoice`): lines, totals, not billed, a summary and the report of
/// unreadable rows.
#[pyfunction]
#[pyo3(signature = (episodes, agreement, *, amounts=None, allow_personal_ids=false))]
#[allow(clippy::type_complexity)]
fn invoice<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreement: &Bound<'py, PyAny>,
    amounts: Option<&Bound<'py, PyDict>>,
    allow_personal_ids: bool,
) -> PyResult<(
    ArrowTable,
    ArrowTable,
    ArrowTable,
    Bound<'py, PyDict>,
    Bound<'py, PyDict>,
)> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let report = set_report(&set);
    // Input rows throughout; the unreadable rows not billed as bad data, as in the CLI.
    let inv = core(py, py.detach(|| set.invoice(&agreement, &amounts)))?;
    let (lines, totals, not_billed) = payment::invoice_tables(&inv);
    let summary = PyDict::new(py);
    summary.set_item("agreement", &inv.agreement)?;
    summary.set_item("episodes_in", inv.episodes_in)?;
    summary.set_item("amount_ore", inv.amount_ore())?;
    summary.set_item("billed_days", inv.billed_days())?;
    summary.set_item("billed_episodes", inv.billed_episodes())?;
    let counts = PyDict::new(py);
    for (reason, n) in inv.not_billed_counts() {
        if n > 0 {
            counts.set_item(reason.as_str(), n)?;
        }
    }
    summary.set_item("not_billed", counts)?;
    Ok((
        lines,
        totals,
        not_billed,
        summary,
        report_dict(py, &report)?,
    ))
}

/// Several agreements over the same episodes (see `utklar.compare`).
#[pyfunction]
#[pyo3(signature = (episodes, agreements, *, amounts=None, allow_personal_ids=false))]
fn compare<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreements: &Bound<'py, PyAny>,
    amounts: Option<&Bound<'py, PyDict>>,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let mut named: Vec<(String, utklar_core::payment::Agreement)> = Vec::new();
    if let Ok(d) = agreements.cast::<PyDict>() {
        for (k, v) in d.iter() {
            named.push((k.str()?.to_string(), payment::agreement_of(py, &v)?));
        }
    } else {
        for a in agreements.try_iter().map_err(|_| {
            errors::invalid_argument(
                py,
                "agreements",
                "give a list of agreements or a dict name -> agreement",
            )
        })? {
            let a = payment::agreement_of(py, &a?)?;
            named.push((a.name.clone(), a));
        }
    }
    if named.is_empty() {
        return Err(errors::invalid_argument(
            py,
            "agreements",
            "give at least one agreement",
        ));
    }
    for (i, (n, _)) in named.iter().enumerate() {
        if named[..i].iter().any(|(m, _)| m == n) {
            return Err(errors::invalid_argument(
                py,
                "agreements",
                format!("two agreements are named {n:?}: name variants apart (variant(name=...)) or pass a dict"),
            ));
        }
    }
    let amounts = payment::amounts_of(py, amounts)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let report = set_report(&set);
    let c = core(py, py.detach(|| set.compare(&named, &amounts)))?;
    Ok((payment::comparison_table(&c), report_dict(py, &report)?))
}

/// A grid of thresholds × grace days over one agreement (see `utklar.sweep`).
#[pyfunction]
#[pyo3(signature = (episodes, agreement, *, thresholds=Vec::new(), grace_days=Vec::new(), amounts=None, by_municipality=false, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
fn sweep<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreement: &Bound<'py, PyAny>,
    thresholds: Vec<f64>,
    grace_days: Vec<u32>,
    amounts: Option<&Bound<'py, PyDict>>,
    by_municipality: bool,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let report = set_report(&set);
    let s = core(
        py,
        py.detach(|| set.sweep(&agreement, &amounts, &thresholds, &grace_days)),
    )?;
    Ok((
        payment::sweep_table(&s, by_municipality),
        report_dict(py, &report)?,
    ))
}

/// The core's own invoice over generated episode values, bypassing Arrow: the reference the
/// test suite compares `invoice` against. Returns the amount, billed days, billed episodes and
/// the not-billed counts.
#[pyfunction]
#[pyo3(signature = (agreement, *, year=2024, months=12, episodes=0, county=None, seed=2025, amounts=None))]
#[allow(clippy::too_many_arguments)]
fn _core_invoice_of_synth<'py>(
    py: Python<'py>,
    agreement: &Bound<'py, PyAny>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    seed: u64,
    amounts: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let sopts = synth_options(py, year, months, episodes, county, None, seed, 0.01, 0.003)?;
    let inv = core(
        py,
        utklar_core::payment::invoice(&synth::generate(&sopts), &agreement, &amounts),
    )?;
    let d = PyDict::new(py);
    d.set_item("amount_ore", inv.amount_ore())?;
    d.set_item("billed_days", inv.billed_days())?;
    d.set_item("billed_episodes", inv.billed_episodes())?;
    d.set_item("lines", inv.lines.len())?;
    let counts = PyDict::new(py);
    for (reason, n) in inv.not_billed_counts() {
        if n > 0 {
            counts.set_item(reason.as_str(), n)?;
        }
    }
    d.set_item("not_billed", counts)?;
    Ok(d)
}

/// The 290 municipalities: code, name, county code and county name.
#[pyfunction]
fn municipalities() -> ArrowTable {
    let all: Vec<Municipality> = Municipality::all().collect();
    let mut t = TableBuilder::default();
    t.text("municipality", all.iter().map(|m| Some(m.to_string())));
    t.text("name", all.iter().map(|m| Some(m.name())));
    t.text("county", all.iter().map(|m| Some(m.county().to_string())));
    t.text("county_name", all.iter().map(|m| Some(m.county().name())));
    t.finish()
}

/// Every reason a row can be excluded for, with its hint.
#[pyfunction]
fn reasons(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, Reason::ALL.iter().map(|r| (r.as_str(), r.hint())))
}

/// The compiled module.
#[pymodule]
fn _utklar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CORE_VERSION", utklar_core::VERSION)?;
    // The core's defaults, which the keyword arguments' defaults must equal (a test checks
    // every function's signature against them).
    let d = IndicatorOptions::default();
    let defaults = PyDict::new(m.py());
    defaults.set_item("period", d.period.as_str())?;
    defaults.set_item("negative_days", d.negative_days.as_str())?;
    defaults.set_item("by", GroupBy::default().as_str())?;
    defaults.set_item("strict", d.mode == Mode::Strict)?;
    defaults.set_item("min_age", d.min_age)?;
    m.add("DEFAULTS", defaults)?;
    // The generator's (utklar.synth), checked the same way.
    let s = synth::SynthOptions::default();
    let synth_defaults = PyDict::new(m.py());
    synth_defaults.set_item("year", s.year)?;
    synth_defaults.set_item("months", s.months)?;
    synth_defaults.set_item("episodes", s.episodes)?;
    synth_defaults.set_item("seed", s.seed)?;
    synth_defaults.set_item("open_share", s.open_share)?;
    synth_defaults.set_item("negative_share", s.negative_share)?;
    m.add("SYNTH_DEFAULTS", synth_defaults)?;
    // The report's language.
    m.add("REPORT_LANG", utklar_report::Lang::default().to_string())?;
    m.add_class::<ArrowTable>()?;
    m.add_class::<payment::Agreement>()?;
    m.add_function(wrap_pyfunction!(invoice, m)?)?;
    m.add_class::<report::Report>()?;
    m.add_function(wrap_pyfunction!(report::report, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(indicators, m)?)?;
    m.add_function(wrap_pyfunction!(validate_rows, m)?)?;
    m.add_function(wrap_pyfunction!(census, m)?)?;
    m.add_function(wrap_pyfunction!(explain::explain, m)?)?;
    m.add_function(wrap_pyfunction!(also::indicators_also_by, m)?)?;
    m.add_function(wrap_pyfunction!(synth_episodes, m)?)?;
    m.add_function(wrap_pyfunction!(_core_indicators_of_synth, m)?)?;
    m.add_function(wrap_pyfunction!(_core_invoice_of_synth, m)?)?;
    m.add_function(wrap_pyfunction!(municipalities, m)?)?;
    m.add_function(wrap_pyfunction!(reasons, m)?)?;
    measures::register(m)?;
    files::register(m)?;
    errors::register(m)?;
    Ok(())
}
