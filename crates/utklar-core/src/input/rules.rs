//! The row rules that need more than one cell: dates in range, discharge and ready not before
//! admission, and negative days under the call's policy. The typed-column entry point of the
//! measures and every check of episode values go through [`check_row`]; the row reader uses
//! [`order_problems`] — so the order checks live here once.

use chrono::Timelike;

use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::time::{self, NoticeTime, NO_DATE};
use crate::problem::{Field, Problem, Reason};

use super::{EpisodeFacts, NegativeDays};

/// Seconds after midnight of a notice's time of day, −1 when unknown.
#[inline]
pub(crate) fn sec_of(t: NoticeTime) -> i32 {
    t.time.map_or(-1, |t| t.num_seconds_from_midnight() as i32)
}

/// Whether `a` is before `b`: by day and second when both know their second, by day otherwise.
#[inline]
pub(crate) fn before(day_a: i32, sec_a: i32, day_b: i32, sec_b: i32) -> bool {
    if sec_a >= 0 && sec_b >= 0 {
        (day_a, sec_a) < (day_b, sec_b)
    } else {
        day_a < day_b
    }
}

/// The three notice times the order checks compare, as day numbers ([`NO_DATE`] when absent)
/// and seconds after midnight (−1 when unknown).
#[derive(Clone, Copy)]
pub(crate) struct Times {
    pub admitted_day: i32,
    pub admitted_sec: i32,
    pub ready_day: i32,
    pub ready_sec: i32,
    pub discharge_day: i32,
    pub discharge_sec: i32,
}

impl Times {
    pub(crate) fn of(
        admitted: Option<NoticeTime>,
        ready: Option<NoticeTime>,
        discharged: Option<NoticeTime>,
    ) -> Self {
        // `NoticeTime::day`, by the row reader's cheaper conversion (the same number).
        let split = |t: Option<NoticeTime>| {
            t.map_or((NO_DATE, -1), |t| (time::day_number(t.date), sec_of(t)))
        };
        let (admitted_day, admitted_sec) = split(admitted);
        let (ready_day, ready_sec) = split(ready);
        let (discharge_day, discharge_sec) = split(discharged);
        Times {
            admitted_day,
            admitted_sec,
            ready_day,
            ready_sec,
            discharge_day,
            discharge_sec,
        }
    }
}

/// Discharge before admission, then ready before admission, for the times that are present
/// and in range.
pub(crate) fn order_problems(row: usize, t: &Times, out: &mut Vec<Problem>) {
    let ok = |d: i32| d != NO_DATE && time::day_in_range(d);
    if !ok(t.admitted_day) {
        return;
    }
    if ok(t.discharge_day)
        && before(
            t.discharge_day,
            t.discharge_sec,
            t.admitted_day,
            t.admitted_sec,
        )
    {
        out.push(Problem {
            row,
            field: Field::DischargedAt,
            reason: Reason::DischargeBeforeAdmission,
        });
    }
    if ok(t.ready_day) && before(t.ready_day, t.ready_sec, t.admitted_day, t.admitted_sec) {
        out.push(Problem {
            row,
            field: Field::ReadyAt,
            reason: Reason::ReadyBeforeAdmission,
        });
    }
}

/// One row as the classifier sees it, whichever entry point it came through.
#[derive(Clone, Copy)]
pub(crate) struct RowView {
    /// Dense municipality index, `u16::MAX` when the code is unknown.
    pub muni: u16,
    /// Care type code (0/1; anything else is unknown).
    pub care: u8,
    pub times: Times,
    /// Age, −1 unknown.
    pub age: i32,
}

impl RowView {
    pub(crate) fn of_episode(e: &Episode) -> Self {
        RowView::of_parts(
            e.municipality,
            e.care_type,
            e.ready_at,
            e.discharged_at,
            e.admitted_at,
            e.age,
        )
    }

    pub(crate) fn of_facts(f: &EpisodeFacts) -> Self {
        RowView::of_parts(
            f.municipality,
            f.care_type,
            f.ready_at,
            f.discharged_at,
            f.admitted_at,
            f.age,
        )
    }

    #[inline]
    fn of_parts(
        municipality: Municipality,
        care_type: CareType,
        ready_at: NoticeTime,
        discharged_at: Option<NoticeTime>,
        admitted_at: Option<NoticeTime>,
        age: Option<u16>,
    ) -> Self {
        RowView {
            muni: municipality.index() as u16,
            care: care_type as u8,
            times: Times::of(admitted_at, Some(ready_at), discharged_at),
            age: age.map_or(-1, i32::from),
        }
    }
}

/// Checks a typed row: municipality and care type known, the ready date present, dates in
/// range (ready, admission, discharge: the row reader's field order), discharge and ready not
/// before admission, and — only when nothing else is wrong, as the row reader does —
/// negative days under `policy`. Pushes every problem found; returns `true` when the row is
/// clean.
pub(crate) fn check_row(
    row: usize,
    v: &RowView,
    policy: NegativeDays,
    out: &mut Vec<Problem>,
) -> bool {
    let start = out.len();
    let mut bad = |field: Field, reason: Reason| out.push(Problem { row, field, reason });
    if v.muni == u16::MAX {
        bad(Field::Municipality, Reason::UnknownMunicipality);
    }
    if v.care > 1 {
        bad(Field::CareType, Reason::UnknownCareType);
    }
    let t = &v.times;
    if t.ready_day == NO_DATE {
        bad(Field::ReadyAt, Reason::MissingField);
    } else if !time::day_in_range(t.ready_day) {
        bad(Field::ReadyAt, Reason::DateOutOfRange);
    }
    if t.admitted_day != NO_DATE && !time::day_in_range(t.admitted_day) {
        bad(Field::AdmittedAt, Reason::DateOutOfRange);
    }
    if t.discharge_day != NO_DATE && !time::day_in_range(t.discharge_day) {
        bad(Field::DischargedAt, Reason::DateOutOfRange);
    }
    order_problems(row, t, out);
    if out.len() == start
        && t.discharge_day != NO_DATE
        && t.discharge_day < t.ready_day
        && policy != NegativeDays::Day0
    {
        out.push(Problem {
            row,
            field: Field::DischargedAt,
            reason: Reason::NegativeDays,
        });
    }
    out.len() == start
}

/// The problems of one episode value built in code, but a repeated id: an empty id, and
/// [`check_row`].
pub(crate) fn episode_problems(
    row: usize,
    e: &Episode,
    policy: NegativeDays,
    out: &mut Vec<Problem>,
) {
    if crate::text::is_blank(&e.episode_id) {
        out.push(Problem {
            row,
            field: Field::EpisodeId,
            reason: Reason::MissingField,
        });
    }
    check_row(row, &RowView::of_episode(e), policy, out);
}
