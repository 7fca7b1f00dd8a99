//! The episode set: rows added one at a time (a struct or text) or as column arrays, and its
//! validation.

use utklar_core::input::{EpisodeSet, Row, Value};
use utklar_core::time::{NO_DATE, NO_TIME};
use utklar_core::{Field, Problem};

use crate::error::{boundary, boundary_or, item, utklar_result, CError};
use crate::ffi::{
    arg_mut, arg_ref, arg_slice, free, into_raw, opt_slice, opt_str, utklar_str, Out,
};
use crate::types::{growable, read_growable, utklar_problem, GrowableOut, FIELD_COUNT};

/// One episode (*vårdtillfälle*) as a plain struct, for `utklar_episodes_push`.
///
/// Dates are day numbers: days since 1970-01-01 (2025-03-01 is 20148), `-1` when absent. Times
/// of day are seconds after midnight (0–86399), `-1` when unknown. Flags are 0 (no), 1 (yes)
/// or `UTKLAR_FLAG_UNKNOWN` (absent: the library's default applies — the admission notice
/// counts as sent, no SIP as required or called, the region as not blocking). Initialise with
/// `utklar_episode_init`, which sets every date and time to `-1`, the age to `-1` and every
/// flag to `UTKLAR_FLAG_UNKNOWN`; then fill in what you know.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_episode {
    /// `sizeof` this struct as the caller's program knows it; set by `utklar_episode_init`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// Unique within the set (required): UTF-8 of `episode_id.len` bytes.
    pub episode_id: utklar_str,
    /// Pseudonymous patient id, or `{NULL, 0}` when not known.
    pub patient_id: utklar_str,
    /// Municipality code of registered residence (`880` for `"0880"`, Kalmar).
    pub municipality: u16,
    /// `UTKLAR_CARE_TYPE_SOMATIC` (0) or `UTKLAR_CARE_TYPE_PSYCHIATRIC` (1).
    pub care_type: u8,
    /// Admission date, `-1` when not known.
    pub admitted_day: i32,
    /// Admission time, `-1` when not known.
    pub admitted_second: i32,
    /// Date of the ready notice (required).
    pub ready_day: i32,
    /// Time of the ready notice, `-1` when not known.
    pub ready_second: i32,
    /// Discharge date, `-1` while still in hospital.
    pub discharge_day: i32,
    /// Discharge time, `-1` when not known.
    pub discharge_second: i32,
    /// Home-ready (*hemgångsklar*) date, `-1` when not known.
    pub home_ready_day: i32,
    /// Home-ready time, `-1` when not known.
    pub home_ready_second: i32,
    /// The last planned discharge date sent, `-1` when none.
    pub planned_discharge_day: i32,
    /// Age at discharge (0–150), negative when not known.
    pub age: i32,
    /// The admission notice was sent (0 no, 1 or other nonzero yes, `UTKLAR_FLAG_UNKNOWN` absent).
    pub admission_notice_sent: u8,
    /// A coordinated individual plan (SIP) is required (0 no, 1 or other nonzero yes, `UTKLAR_FLAG_UNKNOWN` absent).
    pub sip_required: u8,
    /// The SIP was called in time (0 no, 1 or other nonzero yes, `UTKLAR_FLAG_UNKNOWN` absent).
    pub sip_called: u8,
    /// Discharge was blocked by the region's own open care (0 no, 1 or other nonzero yes, `UTKLAR_FLAG_UNKNOWN` absent).
    pub region_blocked: u8,
}

impl Default for utklar_episode {
    fn default() -> Self {
        let none = utklar_str::absent();
        utklar_episode {
            struct_size: std::mem::size_of::<utklar_episode>() as u32,
            episode_id: none,
            patient_id: none,
            municipality: 0,
            care_type: 0,
            admitted_day: NO_DATE,
            admitted_second: NO_TIME,
            ready_day: NO_DATE,
            ready_second: NO_TIME,
            discharge_day: NO_DATE,
            discharge_second: NO_TIME,
            home_ready_day: NO_DATE,
            home_ready_second: NO_TIME,
            planned_discharge_day: NO_DATE,
            age: -1,
            admission_notice_sent: UTKLAR_FLAG_UNKNOWN,
            sip_required: UTKLAR_FLAG_UNKNOWN,
            sip_called: UTKLAR_FLAG_UNKNOWN,
            region_blocked: UTKLAR_FLAG_UNKNOWN,
        }
    }
}

/// A flag of `utklar_episode` that is not known: the library's default applies.
pub const UTKLAR_FLAG_UNKNOWN: u8 = 255;

/// Episodes as column arrays of `len` rows, for `utklar_episodes_push_columns` and (the first
/// nine columns) `utklar_columns_indicators`.
///
/// The four required columns must not be NULL (unless `len` is 0); an optional column left
/// NULL means "not known" for every row (flags: their defaults). Encodings as in
/// `utklar_episode`. Initialise with `utklar_columns_init` (all NULL, `len` 0).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_columns {
    /// `sizeof` this struct as the caller's program knows it; set by `utklar_columns_init`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// Number of rows in every column.
    pub len: usize,
    /// Municipality codes (required).
    pub municipality: *const u16,
    /// Care types, 0 or 1 (required).
    pub care_type: *const u8,
    /// Ready dates (required; `-1` is a missing-field problem).
    pub ready_day: *const i32,
    /// Discharge dates, `-1` when still in hospital (required).
    pub discharge_day: *const i32,
    /// Ready times of day (optional).
    pub ready_second: *const i32,
    /// Discharge times of day (optional).
    pub discharge_second: *const i32,
    /// Admission dates (optional).
    pub admitted_day: *const i32,
    /// Admission times of day (optional).
    pub admitted_second: *const i32,
    /// Ages, negative when unknown (optional).
    pub age: *const i32,
    /// Episode ids (optional; when NULL, a row's id is its row number in the set as decimal
    /// text, e.g. `"17"`).
    pub episode_id: *const utklar_str,
    /// Pseudonymous patient ids (optional; `{NULL, 0}` entries are unknown).
    pub patient_id: *const utklar_str,
    /// Home-ready dates (optional).
    pub home_ready_day: *const i32,
    /// Home-ready times of day (optional).
    pub home_ready_second: *const i32,
    /// Planned discharge dates (optional).
    pub planned_discharge_day: *const i32,
    /// Admission notice sent, nonzero = yes (optional; default yes).
    pub admission_notice_sent: *const u8,
    /// SIP required, nonzero = yes (optional; default no).
    pub sip_required: *const u8,
    /// SIP called, nonzero = yes (optional; default no).
    pub sip_called: *const u8,
    /// Region blocked, nonzero = yes (optional; default no).
    pub region_blocked: *const u8,
}

impl Default for utklar_columns {
    fn default() -> Self {
        use std::ptr::null;
        utklar_columns {
            struct_size: std::mem::size_of::<utklar_columns>() as u32,
            len: 0,
            municipality: null(),
            care_type: null(),
            ready_day: null(),
            discharge_day: null(),
            ready_second: null(),
            discharge_second: null(),
            admitted_day: null(),
            admitted_second: null(),
            age: null(),
            episode_id: null(),
            patient_id: null(),
            home_ready_day: null(),
            home_ready_second: null(),
            planned_discharge_day: null(),
            admission_notice_sent: null(),
            sip_required: null(),
            sip_called: null(),
            region_blocked: null(),
        }
    }
}

growable!(
    utklar_episode,
    88,
    "initialise the episode with utklar_episode_init"
);
growable!(
    utklar_columns,
    160,
    "initialise the columns with utklar_columns_init"
);

/// A set of episodes, built row by row or from columns. Opaque; create with
/// `utklar_episodes_new`, free with `utklar_episodes_free`.
///
/// Every row added is read through the library's one rule set, in order: a row with problems
/// (an unknown municipality, a date out of range, a repeated id, …) is kept as unreadable
/// with its problems, reported by `utklar_episodes_validate`, in lenient mode in the exclusion
/// report of indicators, and in invoices as not billed (bad data) — as the command line,
/// Python and Rust do with the same rows.
#[allow(non_camel_case_types)]
pub struct utklar_episodes {
    pub(crate) set: EpisodeSet,
    /// The line of its CSV file where each row starts, 0 for rows from no file.
    pub(crate) lines: Vec<u64>,
}

/// A day and a time of day in seconds as the core's cell: absent, a date, or a date-time (an
/// invalid time of day is passed on for the core to report).
fn notice_value(day: i32, second: i32) -> Value<'static> {
    match (day, second) {
        (NO_DATE, _) => Value::Absent,
        (d, NO_TIME) => Value::Date(d),
        (d, s) => Value::DateTime { day: d, second: s },
    }
}

fn flag_value(f: u8) -> Value<'static> {
    match f {
        UTKLAR_FLAG_UNKNOWN => Value::Absent,
        0 => Value::Bool(false),
        _ => Value::Bool(true),
    }
}

impl utklar_episodes {
    fn new() -> Self {
        utklar_episodes {
            set: EpisodeSet::new(),
            lines: Vec::new(),
        }
    }

    /// The number of rows added.
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Reads a row of cells through the core's rule set, starting at `line` of its file (0
    /// when it has none).
    pub(crate) fn push_raw(&mut self, raw: &Row<'_>, line: u64) {
        let n = self.len();
        self.set.push(n, raw);
        self.lines.push(line);
    }

    /// Drops the rows from `len` on, as if they had never been added (their ids too).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.set.truncate(len);
        self.lines.truncate(len);
    }

    /// Reads a struct row through the core's rule set (its strings checked as UTF-8 first).
    fn push_struct(&mut self, e: &utklar_episode, default_id: Option<&str>) -> Result<(), CError> {
        let id = match default_id {
            Some(id) => Some(id),
            None => opt_str(e.episode_id, "episode_id")?,
        };
        let patient = opt_str(e.patient_id, "patient_id")?;
        let mut row = Row::default();
        row.set(Field::EpisodeId, id);
        row.set(Field::PatientId, patient);
        row.set(Field::Municipality, Value::Int(i64::from(e.municipality)));
        row.set(Field::CareType, Value::Int(i64::from(e.care_type)));
        row.set(
            Field::AdmittedAt,
            notice_value(e.admitted_day, e.admitted_second),
        );
        row.set(Field::ReadyAt, notice_value(e.ready_day, e.ready_second));
        row.set(
            Field::DischargedAt,
            notice_value(e.discharge_day, e.discharge_second),
        );
        row.set(
            Field::HomeReadyAt,
            notice_value(e.home_ready_day, e.home_ready_second),
        );
        row.set(
            Field::PlannedDischargeDate,
            notice_value(e.planned_discharge_day, NO_TIME),
        );
        if e.age >= 0 {
            row.set(Field::Age, Value::Int(i64::from(e.age)));
        }
        row.set(
            Field::AdmissionNoticeSent,
            flag_value(e.admission_notice_sent),
        );
        row.set(Field::SipRequired, flag_value(e.sip_required));
        row.set(Field::SipCalled, flag_value(e.sip_called));
        row.set(Field::RegionBlocked, flag_value(e.region_blocked));
        self.push_raw(&row, 0);
        Ok(())
    }
}

/// Sets `*episode` to an empty row: dates, times and age `-1`, ids `{NULL, 0}`, municipality
/// and care type 0, every flag `UTKLAR_FLAG_UNKNOWN` (the library's default).
///
/// Called through the header's macro `utklar_episode_init(...)`, which passes `sizeof(utklar_episode)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_episode_init_sized(
    episode: *mut utklar_episode,
    size: usize,
) -> utklar_result {
    boundary(|| {
        GrowableOut::new(episode, size, "episode")?.write(utklar_episode::default());
        Ok(())
    })
}

/// Sets `*columns` to no rows and every column NULL.
///
/// Called through the header's macro `utklar_columns_init(...)`, which passes `sizeof(utklar_columns)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_columns_init_sized(
    columns: *mut utklar_columns,
    size: usize,
) -> utklar_result {
    boundary(|| {
        GrowableOut::new(columns, size, "columns")?.write(utklar_columns::default());
        Ok(())
    })
}

/// Creates an empty episode set in `*out`.
#[no_mangle]
pub extern "C" fn utklar_episodes_new(out: *mut *mut utklar_episodes) -> utklar_result {
    boundary(|| {
        Out::new(out, "out")?.write(into_raw(utklar_episodes::new()));
        Ok(())
    })
}

/// Frees an episode set; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_episodes_free(episodes: *mut utklar_episodes) {
    boundary_or((), || free(episodes));
}

/// The number of rows added to the set (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_episodes_len(episodes: *const utklar_episodes) -> usize {
    boundary_or(0, || {
        arg_ref(episodes, "episodes").map_or(0, utklar_episodes::len)
    })
}

/// Adds one row. The row is copied; `episode`'s strings are read only during the call.
///
/// A row whose values are wrong (an unknown municipality, a date out of range, a duplicate
/// id) is still added, with its problems: see `utklar_episodes_validate`. The call fails only
/// for NULL arguments (`UTKLAR_RESULT_NULL_ARGUMENT`) or strings that are not UTF-8
/// (`UTKLAR_RESULT_INVALID_UTF8`), and then adds nothing.
#[no_mangle]
pub extern "C" fn utklar_episodes_push(
    episodes: *mut utklar_episodes,
    episode: *const utklar_episode,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        let e = read_growable(episode, utklar_episode::default(), "episode")?;
        set.push_struct(&e, None)
    })
}

/// Adds one row given as text, the way a CSV file has it: `values[i]` is the text of field `i`
/// (`utklar_field` order: episode_id, patient_id, municipality, care_type, admitted_at,
/// ready_at, discharged_at, home_ready_at, planned_discharge_date, age,
/// admission_notice_sent, sip_required, sip_called, region_blocked). `n_values` may be less
/// than 14: the rest are absent. An entry `{NULL, 0}` or blank is absent.
///
/// Text is read as docs/episodes.md says: municipality `"0880"`, care type `"somatic"` /
/// `"psychiatric"` (or Swedish), dates `YYYY-MM-DD`, datetimes `YYYY-MM-DDTHH:MM[:SS]` (or
/// with a space), booleans `true`/`false`/`1`/`0`. A row that cannot be read is added with its
/// problems, as with `utklar_episodes_push`.
#[no_mangle]
pub extern "C" fn utklar_episodes_push_text(
    episodes: *mut utklar_episodes,
    values: *const utklar_str,
    n_values: usize,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        if values.is_null() {
            return Err(CError::Null("values"));
        }
        if n_values > FIELD_COUNT {
            return Err(CError::Argument {
                name: "n_values",
                message: format!("{n_values} values given; an episode has {FIELD_COUNT} fields"),
            });
        }
        let values = arg_slice(values, n_values, "values")?;
        let mut raw = Row::default();
        for (field, v) in Field::ALL.into_iter().zip(values) {
            if let Some(text) = opt_str(*v, "values")? {
                raw.set(field, text);
            }
        }
        set.push_raw(&raw, 0);
        Ok(())
    })
}

/// Adds `columns->len` rows from column arrays (copied). Rows with wrong values are added with
/// their problems, as with `utklar_episodes_push`. Fails, adding nothing, when a required
/// column is NULL or a string is not UTF-8.
#[no_mangle]
pub extern "C" fn utklar_episodes_push_columns(
    episodes: *mut utklar_episodes,
    columns: *const utklar_columns,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        let c = read_growable(columns, utklar_columns::default(), "columns")?;
        let n = c.len;
        let muni = arg_slice(c.municipality, n, "municipality")?;
        let care = arg_slice(c.care_type, n, "care_type")?;
        let ready = arg_slice(c.ready_day, n, "ready_day")?;
        let dis = arg_slice(c.discharge_day, n, "discharge_day")?;
        let i32col = |p: *const i32, name| opt_slice(p, n, name);
        let ready_min = i32col(c.ready_second, "ready_second")?;
        let dis_min = i32col(c.discharge_second, "discharge_second")?;
        let adm = i32col(c.admitted_day, "admitted_day")?;
        let adm_min = i32col(c.admitted_second, "admitted_second")?;
        let age = i32col(c.age, "age")?;
        let home = i32col(c.home_ready_day, "home_ready_day")?;
        let home_min = i32col(c.home_ready_second, "home_ready_second")?;
        let planned = i32col(c.planned_discharge_day, "planned_discharge_day")?;
        let ids = opt_slice(c.episode_id, n, "episode_id")?;
        let patients = opt_slice(c.patient_id, n, "patient_id")?;
        let flag = |p: *const u8, name| opt_slice(p, n, name);
        let notice = flag(c.admission_notice_sent, "admission_notice_sent")?;
        let sip_req = flag(c.sip_required, "sip_required")?;
        let sip_called = flag(c.sip_called, "sip_called")?;
        let blocked = flag(c.region_blocked, "region_blocked")?;
        // Check every string first, so that a bad one adds nothing.
        for s in ids.into_iter().chain(patients).flatten() {
            opt_str(*s, "episode_id/patient_id")?;
        }
        let get = |col: Option<&[i32]>, i: usize, none: i32| col.map_or(none, |c| c[i]);
        let start = set.len();
        for i in 0..n {
            let row = start + i;
            let e = utklar_episode {
                struct_size: std::mem::size_of::<utklar_episode>() as u32,
                episode_id: ids.map_or_else(utklar_str::empty, |c| c[i]),
                patient_id: patients.map_or(utklar_str::absent(), |c| c[i]),
                municipality: muni[i],
                care_type: care[i],
                admitted_day: get(adm, i, NO_DATE),
                admitted_second: get(adm_min, i, NO_TIME),
                ready_day: ready[i],
                ready_second: get(ready_min, i, NO_TIME),
                discharge_day: dis[i],
                discharge_second: get(dis_min, i, NO_TIME),
                home_ready_day: get(home, i, NO_DATE),
                home_ready_second: get(home_min, i, NO_TIME),
                planned_discharge_day: get(planned, i, NO_DATE),
                age: get(age, i, -1),
                admission_notice_sent: notice.map_or(UTKLAR_FLAG_UNKNOWN, |c| c[i]),
                sip_required: sip_req.map_or(UTKLAR_FLAG_UNKNOWN, |c| c[i]),
                sip_called: sip_called.map_or(UTKLAR_FLAG_UNKNOWN, |c| c[i]),
                region_blocked: blocked.map_or(UTKLAR_FLAG_UNKNOWN, |c| c[i]),
            };
            let default_id = ids.is_none().then(|| row.to_string());
            // Cannot fail: the only errors are strings, checked above.
            set.push_struct(&e, default_id.as_deref())?;
        }
        Ok(())
    })
}

/// Lets the set's ids (`episode_id`, `patient_id`) that look like Swedish personal identity
/// numbers through (`allow` nonzero), or refuses them again (0, the default). A set holding
/// any is otherwise refused by `utklar_episodes_validate`, `utklar_episodes_indicators` and
/// `utklar_episodes_invoice` with `UTKLAR_RESULT_PERSONAL_DATA`, the last error message
/// naming the column and how many values, never a value.
#[no_mangle]
pub extern "C" fn utklar_episodes_allow_personal_ids(
    episodes: *mut utklar_episodes,
    allow: i32,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        set.set.allow_personal_ids(allow != 0);
        Ok(())
    })
}

/// The problems found by `utklar_episodes_validate`, in row order. Opaque; free with
/// `utklar_validation_free`.
#[allow(non_camel_case_types)]
pub struct utklar_validation {
    problems: Vec<Problem>,
}

/// Validates every row of the set: required fields, dates and their range, municipality and
/// care type, age, discharge or ready before admission, duplicate ids, and negative days under
/// `negative_days` (a `utklar_negative_days` value; not reported under `_DAY0`). Writes the
/// problems (none when the set is clean) to a new `*out`.
#[no_mangle]
pub extern "C" fn utklar_episodes_validate(
    episodes: *const utklar_episodes,
    negative_days: u32,
    out: *mut *mut utklar_validation,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let policy = crate::types::negative_days(negative_days)?;
        let out = Out::new(out, "out")?;
        set.set.check_personal_ids()?;
        let problems = set.set.problems(policy);
        out.write(into_raw(utklar_validation { problems }));
        Ok(())
    })
}

/// The number of problems (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_validation_len(validation: *const utklar_validation) -> usize {
    boundary_or(0, || {
        arg_ref(validation, "validation").map_or(0, |v| v.problems.len())
    })
}

/// Writes problem `index` to `*out`; `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
#[no_mangle]
pub extern "C" fn utklar_validation_get_problem(
    validation: *const utklar_validation,
    index: usize,
    out: *mut utklar_problem,
) -> utklar_result {
    boundary(|| {
        let v = arg_ref(validation, "validation")?;
        let out = Out::new(out, "out")?;
        let p = item(&v.problems, index)?;
        out.write(utklar_problem::of(p));
        Ok(())
    })
}

/// Frees a validation report; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_validation_free(validation: *mut utklar_validation) {
    boundary_or((), || free(validation));
}
