//! `utklar.report`: the county's monthly follow-up report (the `utklar-report` crate) for
//! Python. It translates arguments and errors only: the model and the page are the crate's.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::{County, Error, Period};
use utklar_report::{default_agreement, render_html, Lang, ReportError, ReportOptions};

use crate::{errors, payment, population_of, read_set};

/// The monthly report of a county: one self-contained HTML page (inline SVG charts and CSS,
/// nothing fetched). Shows inline in Jupyter; `save(path)` writes the file.
#[pyclass(module = "utklar._utklar", frozen)]
pub struct Report {
    html: String,
    county: String,
    month: String,
    agreement: String,
    lang: String,
}

#[pymethods]
impl Report {
    /// The page, an HTML document.
    #[getter]
    fn html(&self) -> &str {
        &self.html
    }

    /// The county's code (`"08"`).
    #[getter]
    fn county(&self) -> &str {
        &self.county
    }

    /// The month (`"2024-12"`).
    #[getter]
    fn month(&self) -> &str {
        &self.month
    }

    /// The agreement of the invoice (its name).
    #[getter]
    fn agreement(&self) -> &str {
        &self.agreement
    }

    /// The page's language (`"sv"` or `"en"`).
    #[getter]
    fn lang(&self) -> &str {
        &self.lang
    }

    /// Writes the page to `path` (UTF-8).
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        std::fs::write(&path, self.html.as_bytes())?;
        Ok(())
    }

    /// The page for Jupyter, in an iframe so that its styles stay inside it.
    fn _repr_html_(&self) -> String {
        utklar_report::embed(&self.html)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(county={:?}, month={:?}, agreement={:?}, lang={:?}, {} bytes)",
            self.county,
            self.month,
            self.agreement,
            self.lang,
            self.html.len()
        )
    }
}

fn county_of(py: Python<'_>, c: &Bound<'_, PyAny>) -> PyResult<County> {
    let r = if let Ok(code) = c.extract::<u8>() {
        County::new(code)
    } else if let Ok(s) = c.extract::<String>() {
        County::by_code_or_name(&s)
    } else {
        return Err(errors::invalid_argument(
            py,
            "county",
            "give the county's code (\"08\" or 8) or name (\"Kalmar\")",
        ));
    };
    r.map_err(|e| errors::to_py(py, e))
}

/// The report (see `utklar.report`).
#[pyfunction]
#[pyo3(signature = (episodes, county, *, month=None, agreement=None, amounts=None, population=None, lang="sv", suppress_below=None, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
pub fn report(
    py: Python<'_>,
    episodes: &Bound<'_, PyAny>,
    county: &Bound<'_, PyAny>,
    month: Option<&str>,
    agreement: Option<&Bound<'_, PyAny>>,
    amounts: Option<&Bound<'_, PyDict>>,
    population: Option<&Bound<'_, PyAny>>,
    lang: &str,
    suppress_below: Option<u64>,
    allow_personal_ids: bool,
) -> PyResult<Report> {
    let county = county_of(py, county)?;
    let lang: Lang = lang
        .parse()
        .map_err(|e: String| errors::invalid_argument(py, "lang", e))?;
    let month = month
        .map(Period::parse_month)
        .transpose()
        .map_err(|e| errors::to_py(py, e))?;
    let mut opts = ReportOptions::new(county);
    opts.agreement = match agreement {
        Some(a) => payment::agreement_of(py, a)?,
        None => default_agreement(county),
    };
    opts.amounts = payment::amounts_of(py, amounts)?;
    opts.population = population_of(py, population)?;
    opts.suppress_below = suppress_below;
    opts.month = month;
    opts.lang = lang;
    let set = read_set(py, episodes, allow_personal_ids)?;
    let built =
        py.detach(|| utklar_report::Report::build(&set, &opts).map(|r| (render_html(&r), r.month)));
    let (html, month) = built.map_err(|e| match e {
        ReportError::Core(e) => errors::to_py(py, e),
        other => {
            let name = if matches!(other, ReportError::NoData) {
                "episodes"
            } else {
                "month"
            };
            errors::to_py(
                py,
                Error::InvalidArgument {
                    name: name.into(),
                    message: other.to_string(),
                },
            )
        }
    })?;
    Ok(Report {
        html,
        county: county.to_string(),
        month: month.to_string(),
        agreement: opts.agreement.name.clone(),
        lang: lang.to_string(),
    })
}
