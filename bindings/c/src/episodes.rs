//! The episode set: rows added one at a time (a struct or text) or as column arrays, and its
//! validation.

use std::collections::HashSet;

use utklar_core::time::{self, NoticeTime, NO_DATE, NO_TIME};
use utklar_core::validate::{check_episodes, EpisodeReader, RawEpisode};
use utklar_core::{CareType, Episode, Field, Municipality, Problem, Reason};

use crate::error::{boundary, boundary_or, utklar_result, CError};
use crate::ffi::{
    arg_mut, arg_ref, arg_slice, free, into_raw, opt_slice, opt_str, utklar_str, Out,
};
use crate::types::{growable, read_growable, utklar_problem, GrowableOut, FIELD_COUNT};

/// One episode (*vårdtillfälle*) as a plain struct, for `utklar_episodes_push`.
///
/// Dates are day numbers: days since 1970-01-01 (2025-03-01 is 20148), `-1` when absent. Times
/// of day are minutes after midnight (0–1439), `-1` when unknown. Initialise with
/// `utklar_episode_init`, which sets every date and time to `-1`, the age to `-1`,
/// `admission_notice_sent` to 1 and the other flags to 0; then fill in what you know.
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
    pub admitted_minute: i32,
    /// Date of the ready notice (required).
    pub ready_day: i32,
    /// Time of the ready notice, `-1` when not known.
    pub ready_minute: i32,
    /// Discharge date, `-1` while still in hospital.
    pub discharge_day: i32,
    /// Discharge time, `-1` when not known.
    pub discharge_minute: i32,
    /// Home-ready (*hemgångsklar*) date, `-1` when not known.
    pub home_ready_day: i32,
    /// Home-ready time, `-1` when not known.
    pub home_ready_minute: i32,
    /// The last planned discharge date sent, `-1` when none.
    pub planned_discharge_day: i32,
    /// Age at discharge (0–150), negative when not known.
    pub age: i32,
    /// The admission notice was sent (nonzero = yes).
    pub admission_notice_sent: u8,
    /// A coordinated individual plan (SIP) is required (nonzero = yes).
    pub sip_required: u8,
    /// The SIP was called in time (nonzero = yes).
    pub sip_called: u8,
    /// Discharge was blocked by the region's own open care (nonzero = yes).
    pub region_blocked: u8,
}

impl Default for utklar_episode {
    fn default() -> Self {
        let none = utklar_str {
            data: std::ptr::null(),
            len: 0,
        };
        utklar_episode {
            struct_size: std::mem::size_of::<utklar_episode>() as u32,
            episode_id: none,
            patient_id: none,
            municipality: 0,
            care_type: 0,
            admitted_day: NO_DATE,
            admitted_minute: NO_TIME,
            ready_day: NO_DATE,
            ready_minute: NO_TIME,
            discharge_day: NO_DATE,
            discharge_minute: NO_TIME,
            home_ready_day: NO_DATE,
            home_ready_minute: NO_TIME,
            planned_discharge_day: NO_DATE,
            age: -1,
            admission_notice_sent: 1,
            sip_required: 0,
            sip_called: 0,
            region_blocked: 0,
        }
    }
}

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
    pub ready_minute: *const i32,
    /// Discharge times of day (optional).
    pub discharge_minute: *const i32,
    /// Admission dates (optional).
    pub admitted_day: *const i32,
    /// Admission times of day (optional).
    pub admitted_minute: *const i32,
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
    pub home_ready_minute: *const i32,
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
            ready_minute: null(),
            discharge_minute: null(),
            admitted_day: null(),
            admitted_minute: null(),
            age: null(),
            episode_id: null(),
            patient_id: null(),
            home_ready_day: null(),
            home_ready_minute: null(),
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

/// A row of the set: the episode when the row could be read, and its problems.
///
/// A row with a repeated id keeps its episode (the invoice reports it as a duplicate, as the
/// core does) and has a problem; any other problem means there is no episode.
pub(crate) struct Row {
    pub(crate) episode: Option<Episode>,
    pub(crate) problems: Vec<Problem>,
    /// The id of a row that is no episode, when it has one (for the invoice's account).
    pub(crate) unread_id: Option<String>,
}

impl Row {
    /// The episode of a row without problems.
    pub(crate) fn clean(&self) -> Option<&Episode> {
        self.episode.as_ref().filter(|_| self.problems.is_empty())
    }
}

fn only_duplicate(problems: &[Problem]) -> bool {
    problems
        .iter()
        .all(|p| p.reason == Reason::DuplicateEpisodeId)
}

/// A set of episodes, built row by row or from columns. Opaque; create with
/// `utklar_episodes_new`, free with `utklar_episodes_free`.
///
/// Every row added is kept, in order: a row with problems (an unknown municipality, a date out
/// of range, a duplicate id, …) is kept with its problems, reported by
/// `utklar_episodes_validate` and, in lenient mode, in the exclusion report of indicators.
/// A row with a repeated id is still an episode for the invoice, which reports it as a
/// duplicate (the first row with the id is the one billed).
#[allow(non_camel_case_types)]
pub struct utklar_episodes {
    pub(crate) rows: Vec<Row>,
    reader: EpisodeReader,
    ids: HashSet<String>,
}

impl utklar_episodes {
    fn new() -> Self {
        utklar_episodes {
            rows: Vec::new(),
            reader: EpisodeReader::new(),
            ids: HashSet::new(),
        }
    }

    /// Records a row's id; a problem when an earlier row had it.
    fn note_id(&mut self, row: usize, id: &str, problems: &mut Vec<Problem>) {
        if !self.ids.insert(id.to_string())
            && !problems
                .iter()
                .any(|p| p.reason == Reason::DuplicateEpisodeId)
        {
            problems.push(Problem {
                row,
                field: Field::EpisodeId,
                reason: Reason::DuplicateEpisodeId,
            });
        }
    }

    /// Translates a struct row into an episode (reporting what cannot be translated; the
    /// order and negative-days rules are the core's, applied later).
    fn row_of(
        &mut self,
        row: usize,
        e: &utklar_episode,
        default_id: Option<String>,
    ) -> Result<Row, CError> {
        let mut problems = Vec::new();
        let mut bad = |field: Field, reason: Reason| problems.push(Problem { row, field, reason });
        let id = match default_id {
            Some(id) => Some(id),
            None => opt_str(e.episode_id, "episode_id")?
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        };
        if id.is_none() {
            bad(Field::EpisodeId, Reason::MissingField);
        }
        let patient = opt_str(e.patient_id, "patient_id")?
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let municipality = Municipality::from_code(e.municipality).ok();
        if municipality.is_none() {
            bad(Field::Municipality, Reason::UnknownMunicipality);
        }
        let care = CareType::from_code(e.care_type);
        if care.is_none() {
            bad(Field::CareType, Reason::UnknownCareType);
        }
        let mut notice = |field: Field, day: i32, minute: i32, required: bool| {
            if day == NO_DATE {
                if required {
                    bad(field, Reason::MissingField);
                }
                None
            } else if !time::day_in_range(day) {
                bad(field, Reason::DateOutOfRange);
                None
            } else if !(minute == NO_TIME || (0..24 * 60).contains(&minute)) {
                bad(field, Reason::UnparseableDate);
                None
            } else {
                Some(NoticeTime::from_day_minutes(day, minute))
            }
        };
        let ready = notice(Field::ReadyAt, e.ready_day, e.ready_minute, true);
        let admitted = notice(Field::AdmittedAt, e.admitted_day, e.admitted_minute, false);
        let discharged = notice(
            Field::DischargedAt,
            e.discharge_day,
            e.discharge_minute,
            false,
        );
        let home_ready = notice(
            Field::HomeReadyAt,
            e.home_ready_day,
            e.home_ready_minute,
            false,
        );
        let planned = notice(
            Field::PlannedDischargeDate,
            e.planned_discharge_day,
            NO_TIME,
            false,
        )
        .map(|t| t.date);
        let age = match e.age {
            a if a < 0 => None,
            a if a <= 150 => Some(a as u16),
            _ => {
                bad(Field::Age, Reason::UnparseableInteger);
                None
            }
        };
        if let Some(id) = &id {
            self.note_id(row, id, &mut problems);
        }
        Ok(match (id, municipality, care, ready) {
            (Some(id), Some(m), Some(c), Some(r)) if only_duplicate(&problems) => {
                let mut ep = Episode::new(id, m, c, r);
                ep.patient_id = patient;
                ep.admitted_at = admitted;
                ep.discharged_at = discharged;
                ep.home_ready_at = home_ready;
                ep.planned_discharge_date = planned;
                ep.age = age;
                ep.admission_notice_sent = e.admission_notice_sent != 0;
                ep.sip_required = e.sip_required != 0;
                ep.sip_called = e.sip_called != 0;
                ep.region_blocked = e.region_blocked != 0;
                Row {
                    episode: Some(ep),
                    problems,
                    unread_id: None,
                }
            }
            (id, ..) => Row {
                episode: None,
                problems,
                unread_id: id,
            },
        })
    }
}

/// Sets `*episode` to an empty row: dates, times and age `-1`, ids `{NULL, 0}`, municipality
/// and care type 0, `admission_notice_sent` 1, other flags 0.
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
        arg_ref(episodes, "episodes").map_or(0, |s| s.rows.len())
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
        let row = set.rows.len();
        let r = set.row_of(row, &e, None)?;
        set.rows.push(r);
        Ok(())
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
        let mut raw = RawEpisode::default();
        for (field, v) in Field::ALL.into_iter().zip(values) {
            if let Some(text) = opt_str(*v, "values")? {
                raw.set(field, text);
            }
        }
        let row = set.rows.len();
        let r = match set.reader.read(row, &raw) {
            Ok(e) => {
                let mut problems = Vec::new();
                set.note_id(row, &e.episode_id, &mut problems);
                Row {
                    episode: Some(e),
                    problems,
                    unread_id: None,
                }
            }
            Err(problems) => {
                if let Some(id) = raw.get(Field::EpisodeId) {
                    set.ids.insert(id.trim().to_string());
                }
                // A repeated id is the only problem: the row is an episode all the same (a
                // reader that has seen no ids reads it).
                let episode = if only_duplicate(&problems) {
                    EpisodeReader::new().read(row, &raw).ok()
                } else {
                    None
                };
                let unread_id = raw
                    .get(Field::EpisodeId)
                    .filter(|_| episode.is_none())
                    .map(|s| s.trim().to_string());
                Row {
                    episode,
                    problems,
                    unread_id,
                }
            }
        };
        set.rows.push(r);
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
        let ready_min = i32col(c.ready_minute, "ready_minute")?;
        let dis_min = i32col(c.discharge_minute, "discharge_minute")?;
        let adm = i32col(c.admitted_day, "admitted_day")?;
        let adm_min = i32col(c.admitted_minute, "admitted_minute")?;
        let age = i32col(c.age, "age")?;
        let home = i32col(c.home_ready_day, "home_ready_day")?;
        let home_min = i32col(c.home_ready_minute, "home_ready_minute")?;
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
        let start = set.rows.len();
        set.rows.reserve(n);
        set.ids.reserve(n);
        for i in 0..n {
            let row = start + i;
            let e = utklar_episode {
                struct_size: std::mem::size_of::<utklar_episode>() as u32,
                episode_id: ids.map_or_else(utklar_str::empty, |c| c[i]),
                patient_id: patients.map_or(
                    utklar_str {
                        data: std::ptr::null(),
                        len: 0,
                    },
                    |c| c[i],
                ),
                municipality: muni[i],
                care_type: care[i],
                admitted_day: get(adm, i, NO_DATE),
                admitted_minute: get(adm_min, i, NO_TIME),
                ready_day: ready[i],
                ready_minute: get(ready_min, i, NO_TIME),
                discharge_day: dis[i],
                discharge_minute: get(dis_min, i, NO_TIME),
                home_ready_day: get(home, i, NO_DATE),
                home_ready_minute: get(home_min, i, NO_TIME),
                planned_discharge_day: get(planned, i, NO_DATE),
                age: get(age, i, -1),
                admission_notice_sent: notice.map_or(1, |c| c[i]),
                sip_required: sip_req.map_or(0, |c| c[i]),
                sip_called: sip_called.map_or(0, |c| c[i]),
                region_blocked: blocked.map_or(0, |c| c[i]),
            };
            let default_id = ids.is_none().then(|| row.to_string());
            // Cannot fail: the only errors of `row_of` are strings, checked above.
            let r = set.row_of(row, &e, default_id)?;
            set.rows.push(r);
        }
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
        let mut problems = Vec::new();
        let mut valid = Vec::new();
        let mut row_of = Vec::new();
        for (row, r) in set.rows.iter().enumerate() {
            match r.clean() {
                Some(e) => {
                    valid.push(e.clone());
                    row_of.push(row);
                }
                None => problems.extend(r.problems.iter().cloned()),
            }
        }
        problems.extend(check_episodes(&valid, policy).into_iter().map(|mut p| {
            p.row = row_of[p.row];
            p
        }));
        problems.sort_by_key(|p| p.row);
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
        let p = v.problems.get(index).ok_or(CError::OutOfRange {
            index,
            len: v.problems.len(),
        })?;
        out.write(utklar_problem::of(p));
        Ok(())
    })
}

/// Frees a validation report; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_validation_free(validation: *mut utklar_validation) {
    boundary_or((), || free(validation));
}
