//! The exception hierarchy: one Python class per variant of [`utklar_core::Error`].
//!
//! Every class derives from `utklar.UtklarError`, so `except utklar.UtklarError` catches all
//! of them. Where a variant carries data, the exception carries it as attributes too
//! (`problems`, `year`, `field`, `name`), so a notebook can act on it without parsing the
//! message.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use utklar_core::{Error, Problem};

create_exception!(
    utklar,
    UtklarError,
    PyException,
    "Base class of every error raised by utklar."
);
create_exception!(
    utklar,
    InvalidRowsError,
    UtklarError,
    "Input rows failed validation (strict mode, or negative days under negative_days=\"error\").\n\n`problems` lists every offending row as (row, column, reason) tuples."
);
create_exception!(
    utklar,
    UnknownMunicipalityError,
    UtklarError,
    "Not one of the 290 municipality codes: use the 4-digit SCB code, e.g. \"0880\" for Kalmar."
);
create_exception!(
    utklar,
    UnknownCountyError,
    UtklarError,
    "Not one of the 21 county codes: use the 2-digit län code, e.g. \"08\"."
);
create_exception!(
    utklar,
    MissingAmountError,
    UtklarError,
    "No national amount per care day for a year: pass the amount for that year. `year` names it."
);
create_exception!(
    utklar,
    AgreementError,
    UtklarError,
    "An agreement is not valid. `field` names the field at fault."
);
create_exception!(
    utklar,
    UnknownPresetError,
    UtklarError,
    "No preset agreement has this name; Agreement.presets() lists them."
);
/// The class of `utklar.InvalidArgumentError`: an argument or an input column is not usable.
/// A subclass of both `UtklarError` and `ValueError` (what Python users catch for a bad
/// argument), made once per interpreter.
static INVALID_ARGUMENT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `utklar.InvalidArgumentError` (see [`INVALID_ARGUMENT`]).
pub fn invalid_argument_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_ARGUMENT
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<UtklarError>().into_any(),
                    py.get_type::<PyValueError>().into_any(),
                ],
            )?;
            let ns = PyDict::new(py);
            ns.set_item("__module__", "utklar")?;
            ns.set_item(
                "__doc__",
                "An argument or an input column is not usable (also a ValueError). `name` names it.",
            )?;
            let ty = py
                .import("builtins")?
                .getattr("type")?
                .call1(("InvalidArgumentError", bases, ns))?
                .cast_into::<PyType>()?;
            Ok(ty.unbind())
        })
        .map(|t| t.bind(py))
}

create_exception!(
    utklar,
    AmountOverflowError,
    UtklarError,
    "An amount in öre does not fit in 64 bits: utklar refuses a wrong figure. `what`, `municipality`, `care_type` and `period` say where, `ore` is the exact figure."
);
create_exception!(
    utklar,
    PersonalDataError,
    UtklarError,
    "A column holds values that look like Swedish personal identity numbers (personnummer or samordningsnummer). `field` names the column and `count` how many values; no value is shown."
);

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("UtklarError", py.get_type::<UtklarError>())?;
    m.add("InvalidRowsError", py.get_type::<InvalidRowsError>())?;
    m.add(
        "UnknownMunicipalityError",
        py.get_type::<UnknownMunicipalityError>(),
    )?;
    m.add("UnknownCountyError", py.get_type::<UnknownCountyError>())?;
    m.add("MissingAmountError", py.get_type::<MissingAmountError>())?;
    m.add("AgreementError", py.get_type::<AgreementError>())?;
    m.add("UnknownPresetError", py.get_type::<UnknownPresetError>())?;
    m.add("InvalidArgumentError", invalid_argument_type(py)?)?;
    m.add("AmountOverflowError", py.get_type::<AmountOverflowError>())?;
    m.add("PersonalDataError", py.get_type::<PersonalDataError>())?;
    Ok(())
}

/// `(row, column, reason)` tuples of problems, for Python.
pub fn problem_tuples<'py>(py: Python<'py>, problems: &[Problem]) -> PyResult<Bound<'py, PyList>> {
    // One Python string per distinct column or reason name, shared by every tuple (a report
    // can list many thousands of problems with a handful of names).
    let mut names: Vec<(&'static str, Bound<'py, PyString>)> = Vec::new();
    let mut name = |s: &'static str| {
        if let Some((_, o)) = names.iter().find(|(k, _)| std::ptr::eq(*k, s)) {
            return o.clone();
        }
        let o = PyString::new(py, s);
        names.push((s, o.clone()));
        o
    };
    let tuples: Vec<_> = problems
        .iter()
        .map(|p| (p.row, name(p.field.as_str()), name(p.reason.as_str())))
        .collect();
    PyList::new(py, tuples)
}

fn with_attr<'py>(
    py: Python<'py>,
    err: PyErr,
    name: &str,
    value: impl IntoPyObjectExt<'py>,
) -> PyErr {
    if let Err(e) = value
        .into_py_any(py)
        .and_then(|v| err.value(py).setattr(name, v))
    {
        return e;
    }
    err
}

use pyo3::IntoPyObjectExt;

/// The Python exception of a core error, with the variant's data as attributes.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    to_py_in(py, e, None)
}

/// [`to_py`] with the message prefixed by where it happened (`"population row 3"`).
pub fn to_py_in(py: Python<'_>, e: Error, context: Option<&str>) -> PyErr {
    let msg = match context {
        Some(c) => format!("{c}: {e}"),
        None => e.to_string(),
    };
    match e {
        Error::Invalid(problems) => {
            let err = InvalidRowsError::new_err(msg);
            match problem_tuples(py, &problems) {
                Ok(list) => with_attr(py, err, "problems", list),
                Err(e) => e,
            }
        }
        Error::UnknownMunicipality(code) => {
            with_attr(py, UnknownMunicipalityError::new_err(msg), "code", code)
        }
        Error::UnknownCounty(code) => with_attr(py, UnknownCountyError::new_err(msg), "code", code),
        Error::MissingAmount { year } => with_attr(
            py,
            MissingAmountError::new_err(format!("{msg} (amounts={{{year}: KRONOR}})")),
            "year",
            year,
        ),
        Error::Agreement { field, .. } => {
            with_attr(py, AgreementError::new_err(msg), "field", field)
        }
        Error::UnknownPreset(name) => with_attr(py, UnknownPresetError::new_err(msg), "name", name),
        Error::InvalidArgument { name, .. } => match invalid_argument_type(py) {
            Ok(ty) => with_attr(py, PyErr::from_type(ty.clone(), msg), "name", name),
            Err(e) => e,
        },
        Error::AmountOverflow {
            what,
            municipality,
            care_type,
            period,
            ore,
        } => {
            let err = AmountOverflowError::new_err(msg);
            let err = with_attr(py, err, "what", what);
            let err = with_attr(py, err, "municipality", municipality);
            let err = with_attr(py, err, "care_type", care_type);
            let err = with_attr(py, err, "period", period);
            with_attr(py, err, "ore", ore)
        }
        Error::PersonalData { field, count } => {
            let err = with_attr(py, PersonalDataError::new_err(msg), "field", field);
            with_attr(py, err, "count", count)
        }
        _ => UtklarError::new_err(msg),
    }
}

/// A `utklar.InvalidArgumentError` about argument or column `name`.
pub fn invalid_argument(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    to_py(
        py,
        Error::InvalidArgument {
            name: name.into(),
            message: message.into(),
        },
    )
}
