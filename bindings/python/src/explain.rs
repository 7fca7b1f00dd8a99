//! `utklar.explain`: one row per input row, the core's `explain` as a table.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::explain::{ExplainRow, Explanation};
use utklar_core::time;

use crate::output::{ArrowTable, TableBuilder};
use crate::{core, options, payment, read_set};

/// The rows as a table, with the columns [`ExplainRow::FIELDS`] (dates as dates, amounts in
/// öre as integers).
pub fn explain_table(x: &Explanation) -> ArrowTable {
    let rows = &x.rows;
    let mut t = TableBuilder::default();
    let text = |f: fn(&ExplainRow) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    t.int("row", rows.iter().map(|r| Some(r.row as i64)));
    t.text("episode_id", text(|r| r.episode_id.clone()));
    t.text(
        "municipality",
        text(|r| r.municipality.map(|m| m.to_string())),
    );
    t.text(
        "care_type",
        text(|r| r.care_type.map(|c| c.as_str().to_string())),
    );
    t.date(
        "ready_date",
        rows.iter().map(|r| r.ready_date.map(time::day_number)),
    );
    t.date(
        "discharge_date",
        rows.iter().map(|r| r.discharge_date.map(time::day_number)),
    );
    t.text("period", text(|r| r.period.map(|p| p.to_string())));
    t.int("ready_days", rows.iter().map(|r| r.ready_days));
    t.text("counting", text(|r| Some(r.counting.to_string())));
    t.text("reason", text(|r| r.reason.map(|x| x.as_str().to_string())));
    t.text("billing", text(|r| r.billing.map(|b| b.to_string())));
    t.text(
        "invoice_period",
        text(|r| r.invoice_period.map(|p| p.to_string())),
    );
    t.float("billed_days", rows.iter().map(|r| r.billed_days));
    t.int("amount_ore", rows.iter().map(|r| r.amount_ore));
    t.text("rule", text(|r| r.rule.map(|x| x.to_string())));
    t.text("not_billed", text(|r| r.not_billed.map(|x| x.to_string())));
    t.float("mean_days", rows.iter().map(|r| r.mean_days));
    t.float("threshold", rows.iter().map(|r| r.threshold));
    t.boolean("triggered", rows.iter().map(|r| r.triggered));
    t.finish()
}

/// Every row explained (see `utklar.explain`): the table and, with an agreement, the
/// invoice's total in öre.
#[pyfunction]
#[pyo3(signature = (episodes, agreement=None, *, amounts=None, period="month", negative_days="exclude", min_age=None, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
pub fn explain<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreement: Option<&Bound<'py, PyAny>>,
    amounts: Option<&Bound<'py, PyDict>>,
    period: &str,
    negative_days: &str,
    min_age: Option<i64>,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Option<i64>)> {
    let opts = options(py, period, negative_days, false, min_age)?;
    let agreement = agreement
        .map(|a| payment::agreement_of(py, a))
        .transpose()?;
    let amounts = payment::amounts_of(py, amounts)?;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let x = core(
        py,
        py.detach(|| set.explain(&opts, agreement.as_ref().map(|a| (a, &amounts)))),
    )?;
    let total = x.invoice.as_ref().map(utklar_core::Invoice::amount_ore);
    Ok((explain_table(&x), total))
}
