//! Agreements, invoices, comparisons and sweeps: the core's `payment` module for Python.
//!
//! An [`Agreement`] wraps the core's agreement. Variants are made by editing the agreement's
//! TOML (the form the core reads and validates) at dotted paths, so every rule about which
//! fields exist and which combinations are allowed stays in the core.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use utklar_core::payment::{self, Amounts};
use utklar_core::{CareType, Error};

use crate::errors;
use crate::output::{ArrowTable, TableBuilder};

/// A payment agreement (*överenskommelse om betalningsansvar*): per care type the model
/// (individual, average, mixed), grace days, period, threshold, billing basis and rate, with
/// its source and assumptions. Agreements are data: presets ship as TOML, and any parameter
/// can be overridden to make a variant.
///
///     >>> import utklar
///     >>> utklar.Agreement.presets()
///     ['statutory', 'kalmar', 'vgr', 'sormland', 'stockholm']
///     >>> kalmar = utklar.Agreement.preset("kalmar")
///     >>> kalmar
///     Agreement("kalmar": somatic average, psychiatric average)
///     >>> strict = kalmar.variant("kalmar-0.5", threshold_days=0.5)
///     >>> 'threshold_days = 0.5' in strict.to_toml()
///     True
///     >>> utklar.Agreement.from_toml(strict.to_toml()) == strict
///     True
#[pyclass(module = "utklar", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Agreement {
    pub(crate) inner: payment::Agreement,
}

fn core<T>(py: Python<'_>, r: Result<T, Error>) -> PyResult<T> {
    r.map_err(|e| errors::to_py(py, e))
}

fn agreement_err(field: &str, message: impl Into<String>) -> Error {
    Error::Agreement {
        field: field.into(),
        message: message.into(),
    }
}

/// A Python value as a TOML value (bool, int, float, text, lists of them).
fn toml_value(path: &str, v: &Bound<'_, PyAny>) -> Result<toml::Value, Error> {
    if v.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(v.extract().unwrap_or(false)));
    }
    if v.is_instance_of::<PyInt>() {
        return v
            .extract::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| agreement_err(path, "the integer is too large"));
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(v.extract().unwrap_or(f64::NAN)));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(v.extract().unwrap_or_default()));
    }
    if let Ok(list) = v.cast::<PyList>() {
        return list
            .iter()
            .map(|x| toml_value(path, &x))
            .collect::<Result<Vec<_>, _>>()
            .map(toml::Value::Array);
    }
    Err(agreement_err(
        path,
        "use a bool, an int, a float, a str or a list of them",
    ))
}

/// Sets (or with `None`, removes) the value at a dotted path, creating tables on the way.
fn set_path(root: &mut toml::Table, path: &str, value: Option<toml::Value>) -> Result<(), Error> {
    let parts: Vec<&str> = path.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(agreement_err(
            path,
            "not a dotted field path (e.g. somatic.average.threshold_days)",
        ));
    }
    let (last, parents) = parts.split_last().expect("at least one part");
    let mut table = root;
    for (i, p) in parents.iter().enumerate() {
        let entry = table
            .entry((*p).to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry.as_table_mut().ok_or_else(|| {
            agreement_err(&parts[..=i].join("."), "is a value, not a table of fields")
        })?;
    }
    match value {
        Some(v) => {
            table.insert((*last).to_string(), v);
        }
        None => {
            table.remove(*last);
        }
    }
    Ok(())
}

impl Agreement {
    fn edited(
        &self,
        name: Option<String>,
        threshold_days: Option<f64>,
        grace_days: Option<u32>,
        set: Vec<(String, Option<toml::Value>)>,
    ) -> Result<payment::Agreement, Error> {
        let text = self.inner.to_toml()?;
        let mut root: toml::Table = text
            .parse()
            .map_err(|e| agreement_err("(agreement)", format!("{e}")))?;
        for care in CareType::ALL {
            let c = care.as_str();
            let rule = root.get(c).and_then(toml::Value::as_table);
            let has_average = rule.is_some_and(|r| r.contains_key("average"));
            let has_grace = rule.is_some_and(|r| r.contains_key("grace_days"));
            if let (Some(t), true) = (threshold_days, has_average) {
                set_path(
                    &mut root,
                    &format!("{c}.average.threshold_days"),
                    Some(toml::Value::Float(t)),
                )?;
            }
            if let (Some(g), true) = (grace_days, has_grace) {
                set_path(
                    &mut root,
                    &format!("{c}.grace_days"),
                    Some(toml::Value::Integer(i64::from(g))),
                )?;
            }
        }
        for (path, value) in set {
            set_path(&mut root, &path, value)?;
        }
        if let Some(n) = name {
            root.insert("name".into(), toml::Value::String(n));
        }
        payment::Agreement::from_toml(&root.to_string())
    }
}

#[pymethods]
impl Agreement {
    /// A preset agreement by name (`statutory`, `kalmar`, `vgr`, `sormland`; any case).
    ///
    ///     >>> import utklar
    ///     >>> utklar.Agreement.preset("VGR").name
    ///     'vgr'
    ///     >>> utklar.Agreement.preset("gotland")
    ///     Traceback (most recent call last):
    ///     ...
    ///     utklar.UnknownPresetError: no preset agreement named "gotland"; the presets are statutory, kalmar, vgr, sormland
    #[staticmethod]
    fn preset(py: Python<'_>, name: &str) -> PyResult<Self> {
        Ok(Agreement {
            inner: core(py, payment::Agreement::preset(name))?,
        })
    }

    /// The names of the preset agreements.
    ///
    ///     >>> import utklar
    ///     >>> "statutory" in utklar.Agreement.presets()
    ///     True
    #[staticmethod]
    fn presets() -> Vec<&'static str> {
        payment::preset_names()
    }

    /// An agreement from TOML text, validated by the core: an unknown field or a contradiction
    /// raises `AgreementError` naming the field.
    ///
    ///     >>> import utklar
    ///     >>> text = utklar.Agreement.preset("statutory").to_toml()
    ///     >>> utklar.Agreement.from_toml(text.replace("grace_days", "grace_dayz"))
    ///     Traceback (most recent call last):
    ///     ...
    ///     utklar.AgreementError: agreement field `somatic.grace_dayz`: unknown field `grace_dayz`, expected one of `model`, `period`, `grace_days`, `noon_rule`, `date_only_after_noon`, `day_count`, `start`, `bill_discharge_day`, `average`, `ceiling_days`, `rate`
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        Ok(Agreement {
            inner: core(py, payment::Agreement::from_toml(text))?,
        })
    }

    /// The agreement as TOML (what `from_toml` reads), with its source and assumptions.
    ///
    ///     >>> import utklar
    ///     >>> print(utklar.Agreement.preset("statutory").to_toml().splitlines()[0])
    ///     name = "statutory"
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        core(py, self.inner.to_toml())
    }

    /// A variant of this agreement: `threshold_days` set on every average rule and
    /// `grace_days` on every rule with grace days; then each `set` entry, a dotted field path
    /// (`"psychiatric.period"`) to a new value (`None` removes the field). The result is
    /// validated by the core; `name` renames it.
    ///
    ///     >>> import utklar
    ///     >>> vgr = utklar.Agreement.preset("vgr")
    ///     >>> v = vgr.variant("vgr-quarterly", set={"somatic.period": "quarter"})
    ///     >>> v.name, 'period = "quarter"' in v.to_toml()
    ///     ('vgr-quarterly', True)
    ///     >>> vgr.variant(set={"somatic.ceiling_days": None}).name
    ///     Traceback (most recent call last):
    ///     ...
    ///     utklar.AgreementError: agreement field `somatic.ceiling_days`: the mixed model needs an individual ceiling in days (often 7)
    #[pyo3(signature = (name=None, *, threshold_days=None, grace_days=None, set=None))]
    fn variant(
        &self,
        py: Python<'_>,
        name: Option<String>,
        threshold_days: Option<f64>,
        grace_days: Option<u32>,
        set: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut edits = Vec::new();
        if let Some(d) = set {
            for (k, v) in d.iter() {
                let path: String = k.extract().map_err(|_| {
                    errors::to_py(
                        py,
                        agreement_err("(set)", "field paths are text, e.g. \"somatic.grace_days\""),
                    )
                })?;
                let value = if v.is_none() {
                    None
                } else {
                    Some(core(py, toml_value(&path, &v))?)
                };
                edits.push((path, value));
            }
        }
        Ok(Agreement {
            inner: core(py, self.edited(name, threshold_days, grace_days, edits))?,
        })
    }

    /// The short name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The one-line description.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// Where the rules come from.
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }

    /// The assumptions made where the source is silent.
    #[getter]
    fn assumptions(&self) -> Vec<String> {
        self.inner.assumptions.clone()
    }

    /// The threshold in days of a care type's average rule (`somatic.average.threshold_days`;
    /// the agreement's own rule, before any dated changes), `None` when that care type's
    /// model has no average rule.
    fn threshold_days(&self, py: Python<'_>, care_type: &str) -> PyResult<Option<f64>> {
        let care: CareType = core(py, care_type.parse())?;
        Ok(self
            .inner
            .rule(care)
            .average
            .as_ref()
            .map(|a| a.threshold_days))
    }

    fn __repr__(&self) -> String {
        format!(
            "Agreement({:?}: somatic {}, psychiatric {})",
            self.inner.name, self.inner.somatic.model, self.inner.psychiatric.model
        )
    }
}

/// The agreement of an argument: an [`Agreement`] or a preset name.
pub fn agreement_of(py: Python<'_>, a: &Bound<'_, PyAny>) -> PyResult<payment::Agreement> {
    if let Ok(a) = a.cast::<Agreement>() {
        return Ok(a.get().inner.clone());
    }
    if let Ok(name) = a.extract::<String>() {
        return core(py, payment::Agreement::preset(&name));
    }
    Err(errors::invalid_argument(
        py,
        "agreement",
        "give a utklar.Agreement or a preset name (Agreement.presets())",
    ))
}

/// The amounts: the national ones, with the caller's `{year: kronor}` on top (read by the
/// core's `YEAR=KRONOR` parser).
pub fn amounts_of(py: Python<'_>, amounts: Option<&Bound<'_, PyDict>>) -> PyResult<Amounts> {
    let mut a = Amounts::national();
    if let Some(d) = amounts {
        for (year, kronor) in d.iter() {
            let text = format!("{}={}", year.str()?, kronor.str()?);
            core(py, a.parse_override(&text).map(|_| ()))?;
        }
    }
    Ok(a)
}

/// An invoice as three tables (lines, totals, not billed); indexes are input rows.
pub fn invoice_tables(inv: &payment::Invoice) -> (ArrowTable, ArrowTable, ArrowTable) {
    let mut t = TableBuilder::default();
    let l = &inv.lines;
    t.int("row", l.iter().map(|x| x.index.map(|i| i as i64)));
    t.text("episode_id", l.iter().map(|x| x.episode_id.as_deref()));
    t.text(
        "municipality",
        l.iter().map(|x| Some(x.municipality.to_string())),
    );
    t.text("care_type", l.iter().map(|x| Some(x.care_type.as_str())));
    t.text("period", l.iter().map(|x| Some(x.period.to_string())));
    t.float("billed_days", l.iter().map(|x| Some(x.billed_days)));
    t.int("amount_ore", l.iter().map(|x| Some(x.amount_ore)));
    t.text("rule", l.iter().map(|x| Some(x.rule.as_str())));
    let lines = t.finish();

    let mut t = TableBuilder::default();
    let s = &inv.totals;
    t.text(
        "municipality",
        s.iter().map(|x| Some(x.municipality.to_string())),
    );
    t.text("care_type", s.iter().map(|x| Some(x.care_type.as_str())));
    t.text("period", s.iter().map(|x| Some(x.period.to_string())));
    t.float("billed_days", s.iter().map(|x| Some(x.billed_days)));
    t.int("amount_ore", s.iter().map(|x| Some(x.amount_ore)));
    t.float("mean_days", s.iter().map(|x| x.mean_days));
    t.float("threshold", s.iter().map(|x| x.threshold));
    t.boolean("triggered", s.iter().map(|x| x.triggered));
    t.int("episodes", s.iter().map(|x| Some(x.episodes as i64)));
    let totals = t.finish();

    let nb = &inv.not_billed;
    let mut t = TableBuilder::default();
    t.int("row", nb.iter().map(|x| Some(x.index as i64)));
    t.text(
        "episode_id",
        nb.iter()
            .map(|x| (!x.episode_id.is_empty()).then_some(x.episode_id.as_str())),
    );
    t.text("reason", nb.iter().map(|x| Some(x.reason.as_str())));
    (lines, totals, t.finish())
}

/// Comparison rows in long form: one row per municipality, care type, period and agreement.
pub fn comparison_table(c: &payment::Comparison) -> ArrowTable {
    let n = c.names.len();
    let rows: Vec<(&payment::ComparisonRow, usize)> = c
        .rows
        .iter()
        .flat_map(|r| (0..n).map(move |i| (r, i)))
        .collect();
    let mut t = TableBuilder::default();
    t.text(
        "municipality",
        rows.iter().map(|(r, _)| Some(r.municipality.to_string())),
    );
    t.text(
        "care_type",
        rows.iter().map(|(r, _)| Some(r.care_type.as_str())),
    );
    t.text(
        "period",
        rows.iter().map(|(r, _)| Some(r.period.to_string())),
    );
    t.text(
        "agreement",
        rows.iter().map(|(_, i)| Some(c.names[*i].as_str())),
    );
    t.float(
        "billed_days",
        rows.iter().map(|(r, i)| Some(r.billed_days[*i])),
    );
    t.int(
        "amount_ore",
        rows.iter().map(|(r, i)| Some(r.amount_ore[*i])),
    );
    t.finish()
}

/// Sweep rows; with `by_municipality`, one row per variant and municipality.
pub fn sweep_table(s: &payment::Sweep, by_municipality: bool) -> ArrowTable {
    let mut t = TableBuilder::default();
    if by_municipality {
        let rows: Vec<(&payment::SweepRow, usize)> = s
            .rows
            .iter()
            .flat_map(|r| (0..s.municipalities.len()).map(move |m| (r, m)))
            .collect();
        t.float("threshold_days", rows.iter().map(|(r, _)| r.threshold_days));
        t.int(
            "grace_days",
            rows.iter().map(|(r, _)| r.grace_days.map(i64::from)),
        );
        t.text(
            "municipality",
            rows.iter()
                .map(|(_, m)| Some(s.municipalities[*m].to_string())),
        );
        t.int(
            "amount_ore",
            rows.iter()
                .map(|(r, m)| Some(r.amount_ore_by_municipality[*m])),
        );
    } else {
        let r = &s.rows;
        t.float("threshold_days", r.iter().map(|x| x.threshold_days));
        t.int("grace_days", r.iter().map(|x| x.grace_days.map(i64::from)));
        t.float("billed_days", r.iter().map(|x| Some(x.billed_days)));
        t.int("amount_ore", r.iter().map(|x| Some(x.amount_ore)));
        t.int(
            "liable_periods",
            r.iter().map(|x| Some(x.liable_periods as i64)),
        );
    }
    t.finish()
}
