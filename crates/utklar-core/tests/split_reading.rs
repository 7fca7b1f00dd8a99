//! Reading a row in two halves (`EpisodeReader::read_facts` then `check_duplicate`, as the
//! command line's reading thread and measuring thread do) gives exactly what `read` gives:
//! the same problems in the same order, the same values, the same measures. Checking the ids
//! of many rows at once (`IdRun`, `EpisodeReader::check_runs`) names the rows the row-by-row
//! check names.

use proptest::prelude::*;
use utklar_core::input::{IdHash, IdRun, Value};
use utklar_core::personal_id::PersonalIdScan;
use utklar_core::validate::{EpisodeReader, Field, RawEpisode};
use utklar_core::{IndicatorOptions, MeasureSet, Mode, NegativeDays, PeriodKind, Problem};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        from[(self.0 % from.len() as u64) as usize]
    }
}

/// Rows of text: mostly good (with padding, Unicode white space and repeated ids), every
/// fifth row with any kind of bad cell too.
fn rows(n: usize) -> Vec<[String; 14]> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let messy = i % 5 == 0;
        // A good value, or on a messy row one that may be bad too.
        let mut cell = |good: &[&str], bad: &[&str]| {
            let all: Vec<&str> = good
                .iter()
                .chain(if messy { bad } else { &[] })
                .copied()
                .collect();
            rng.pick(&all).to_string()
        };
        let id = match cell(&["new", "new", "new", "new", "repeat", "pad"], &["blank"]).as_str() {
            "new" => format!("E{i}"),
            "repeat" => format!("E{}", i / 3),
            "blank" => " ".to_string(),
            _ => format!("\u{a0}E{i} "),
        };
        let ready = format!(
            "{}{}",
            cell(&["2025-03-", "2025-01-", " 2025-03-"], &["2101-01-", "x"]),
            cell(
                &[
                    "03",
                    "04",
                    "05",
                    "28",
                    "03T10:15",
                    "04T23:59:30",
                    "05T01:00+02:00"
                ],
                &[]
            )
        );
        out.push([
            id,
            cell(&["P1", "", " P2 "], &[]),
            cell(
                &["0880", " 0880", "880", "0180\t", "1480"],
                &["0999", "", "08x0"],
            ),
            cell(
                &["somatic", "psychiatric", " Somatisk", "\u{2003}somatic"],
                &["dental", ""],
            ),
            cell(
                &["", "", "2025-01-01T08:00", "2025-03-03"],
                &["1989-01-01", "bad", "2025-04-01"],
            ),
            ready,
            cell(
                &[
                    "",
                    "2025-03-05",
                    "2025-03-03T09:00",
                    "2025-02-27",
                    "2025-04-01Z",
                ],
                &["2025-02-30"],
            ),
            cell(&["", "2025-03-04"], &["x"]),
            cell(&["", "2025-03-06"], &["soon"]),
            cell(&["", "81", "81.0", " 66", "40"], &["151", "x"]),
            cell(&["", "true", "0", "FALSE "], &["maybe"]),
            cell(&["", "1", "no"], &["\u{85}"]),
            cell(&["", "ja", "nej"], &[]),
            cell(&["", "false"], &["2"]),
        ]);
    }
    out
}

fn raw(cells: &[String; 14]) -> RawEpisode<'_> {
    let mut raw = RawEpisode::default();
    for (f, c) in Field::ALL.into_iter().zip(cells) {
        raw.set(f, c);
    }
    raw
}

#[test]
fn the_two_halves_read_exactly_what_read_reads() {
    let rows = rows(20_000);
    let kinds = [
        (NegativeDays::Exclude, Mode::Lenient, None),
        (NegativeDays::Day0, Mode::Lenient, Some(65)),
        (NegativeDays::Error, Mode::Strict, None),
    ];
    for (negative_days, mode, min_age) in kinds {
        let opts = IndicatorOptions::default()
            .period(PeriodKind::Month)
            .negative_days(negative_days)
            .min_age(min_age)
            .mode(mode);
        let mut whole = EpisodeReader::new();
        let mut halves = EpisodeReader::new();
        let mut by_read = MeasureSet::new(opts.period);
        let mut by_halves = MeasureSet::new(opts.period);
        let (mut good, mut bad) = (0, 0);
        for (row, cells) in rows.iter().enumerate() {
            let raw = raw(cells);
            let expected = whole.read(row, &raw);
            let mut problems: Vec<Problem> = Vec::new();
            let (id, facts) = EpisodeReader::read_facts(row, &raw, &mut problems);
            let clean = problems.is_empty();
            if let Some(id) = id {
                halves.check_duplicate(row, id, &mut problems);
            }
            match (&expected, facts) {
                (Ok(e), Some(f)) if problems.is_empty() && clean => {
                    assert_eq!(
                        (e.municipality, e.care_type, e.ready_at, e.discharged_at),
                        (f.municipality, f.care_type, f.ready_at, f.discharged_at),
                        "row {row}"
                    );
                    assert_eq!(
                        (
                            e.admitted_at,
                            e.home_ready_at,
                            e.planned_discharge_date,
                            e.age
                        ),
                        (
                            f.admitted_at,
                            f.home_ready_at,
                            f.planned_discharge_date,
                            f.age
                        ),
                        "row {row}"
                    );
                    assert_eq!(
                        (
                            e.admission_notice_sent,
                            e.sip_required,
                            e.sip_called,
                            e.region_blocked
                        ),
                        (
                            f.admission_notice_sent,
                            f.sip_required,
                            f.sip_called,
                            f.region_blocked
                        ),
                        "row {row}"
                    );
                    by_read.push(row, e, &opts);
                    by_halves.push_facts(row, &f, &opts);
                    good += 1;
                }
                (Err(p), _) => {
                    assert_eq!(p, &problems, "row {row}: {cells:?}");
                    by_read.push_problems(p.clone());
                    by_halves.push_problems(problems);
                    bad += 1;
                }
                (Ok(_), _) => panic!("row {row}: read gave an episode, the halves {problems:?}"),
            }
        }
        // The generator makes plenty of both, and of repeated ids.
        assert!(good > 2_000 && bad > 2_000, "{good} good, {bad} bad");
        assert!(by_read
            .report()
            .problems
            .iter()
            .any(|p| p.reason == utklar_core::Reason::DuplicateEpisodeId));
        assert_eq!(by_read, by_halves);
        assert_eq!(
            by_read.clone().finish(&opts).map(|s| s.report().clone()),
            by_halves.clone().finish(&opts).map(|s| s.report().clone())
        );
    }
}

#[test]
fn prefetching_changes_nothing() {
    let rows = rows(5_000);
    let mut plain = EpisodeReader::new();
    let mut warmed = EpisodeReader::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for chunk in rows.chunks(700).enumerate() {
        let (c, chunk) = chunk;
        let ids: Vec<_> = chunk
            .iter()
            .map(|cells| EpisodeReader::read_facts(0, &raw(cells), &mut Vec::new()).0)
            .collect();
        warmed.prefetch(ids.iter().flatten().copied());
        for (i, id) in ids.into_iter().enumerate() {
            let row = c * 700 + i;
            if let Some(id) = id {
                assert_eq!(
                    plain.check_duplicate(row, id, &mut a),
                    warmed.check_duplicate(row, id, &mut b)
                );
            }
        }
    }
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

/// The rows (from `first`) whose id repeats, and the reader's personal-id counts, by the
/// row-by-row check.
fn row_by_row(cells: &[(String, String)], first: usize) -> (Vec<usize>, PersonalIdScan) {
    let mut reader = EpisodeReader::new();
    reader.allow_personal_ids(true);
    let mut problems = Vec::new();
    let mut repeated = Vec::new();
    for (i, (e, p)) in cells.iter().enumerate() {
        if let Some(id) = IdHash::of_cells(Value::Text(e), Value::Text(p)) {
            if reader.check_duplicate(first + i, id, &mut problems) {
                repeated.push(first + i);
            }
        }
    }
    assert!(problems
        .iter()
        .zip(&repeated)
        .all(|(p, &r)| p.row == r && p.reason == utklar_core::Reason::DuplicateEpisodeId));
    (repeated, reader.personal_ids().clone())
}

/// The same by [`EpisodeReader::check_runs`] over runs cut at `cuts`, on `threads` threads,
/// after the rows before `first_run` were checked row by row.
fn by_runs(
    cells: &[(String, String)],
    first: usize,
    first_run: usize,
    cuts: &[usize],
    threads: usize,
) -> (Vec<usize>, PersonalIdScan) {
    let mut reader = EpisodeReader::new();
    reader.allow_personal_ids(true);
    let mut repeated = Vec::new();
    let mut problems = Vec::new();
    for (i, (e, p)) in cells[..first_run].iter().enumerate() {
        if let Some(id) = IdHash::of_cells(Value::Text(e), Value::Text(p)) {
            if reader.check_duplicate(first + i, id, &mut problems) {
                repeated.push(first + i);
            }
        }
    }
    let mut bounds: Vec<usize> = cuts
        .iter()
        .map(|&c| first_run + c % (cells.len() - first_run + 1))
        .collect();
    bounds.extend([first_run, cells.len()]);
    bounds.sort_unstable();
    let mut runs = Vec::new();
    for w in bounds.windows(2) {
        let mut run = IdRun::new(first + w[0]);
        for (e, p) in &cells[w[0]..w[1]] {
            run.push(Value::Text(e), Value::Text(p));
        }
        assert_eq!(run.len(), w[1] - w[0]);
        runs.push(run);
    }
    repeated.extend(reader.check_runs(&mut runs, threads));
    (repeated, reader.personal_ids().clone())
}

/// Ids from a small pool: repeats, blanks, padding, and personal identity numbers.
fn id_cells(picks: &[(u8, u8)]) -> Vec<(String, String)> {
    let ids = [
        "E1",
        "E2",
        " E1",
        "E3\u{a0}",
        "",
        "  ",
        "19121212-1212",
        "191212121212",
        "E4",
        "E5",
        "E6",
        "E7",
    ];
    let patients = ["", "P1", "201212121212", "20121212-1212 "];
    picks
        .iter()
        .map(|&(e, p)| {
            let e = usize::from(e);
            // Most ids new, some from the pool.
            let id = if e >= ids.len() {
                format!("N{e}")
            } else {
                ids[e].to_string()
            };
            (id, patients[usize::from(p) % patients.len()].to_string())
        })
        .collect()
}

proptest! {
    #[test]
    fn checking_runs_at_once_names_the_rows_the_row_by_row_check_names(
        picks in proptest::collection::vec((0u8..40, 0u8..4), 1..300),
        first in 0usize..5,
        before in 0usize..50,
        cuts in proptest::collection::vec(0usize..300, 0..5),
        threads in 1usize..4,
    ) {
        let cells = id_cells(&picks);
        let before = before.min(cells.len());
        prop_assert_eq!(
            by_runs(&cells, first, before, &cuts, threads),
            row_by_row(&cells, first)
        );
    }
}

#[test]
fn checking_runs_on_threads_names_the_rows_one_thread_names() {
    // Enough ids that the check does run on several threads, a third of them repeats.
    let cells: Vec<(String, String)> = (0..300_000u32)
        .map(|i| {
            let k = if i % 3 == 0 { i / 7 } else { i };
            (
                format!("E{k}"),
                if i % 1000 == 0 {
                    "191212121212".into()
                } else {
                    String::new()
                },
            )
        })
        .collect();
    let want = row_by_row(&cells, 3);
    assert!(want.0.len() > 50_000, "{} repeats", want.0.len());
    for threads in [1, 2, 3, 8] {
        assert_eq!(
            by_runs(&cells, 3, 1000, &[150_000, 150_001, 70_000], threads),
            want
        );
    }
}

/// Ids in ascending order — zero-padded, unpadded (`9` before `10`) or with spaces around —
/// with now and then one that breaks it: a repeat of an earlier id, a new id below the last,
/// a blank, or a personal identity number as the patient id (which breaks nothing).
fn ordered_cells(n: usize, breaks: &[(usize, u8)], style: u8) -> Vec<(String, String)> {
    let name = |k: usize| match style % 3 {
        0 => format!("E{k:07}"),
        1 => format!("{k}"),
        _ => format!(" {k}\u{a0}"),
    };
    let mut cells: Vec<(String, String)> =
        (0..n).map(|i| (name(2 * i + 1), String::new())).collect();
    if n == 0 {
        return cells;
    }
    for &(at, kind) in breaks {
        let at = at % n;
        match kind % 4 {
            0 => {
                let earlier = cells[at / 2].0.clone();
                cells[at].0 = earlier;
            }
            1 => cells[at].0 = name(at),
            2 => cells[at].0 = "  ".into(),
            _ => cells[at].1 = "191212121212".into(),
        }
    }
    cells
}

/// The repeats of ids checked slice by slice through the columnar reader
/// ([`ColumnBatch::check_duplicates`], as the command line checks a CSV file), slices cut at
/// `cuts`, then the rows from `runs_from` on in runs ([`EpisodeReader::check_runs`]) as
/// windows of two runs each (as the Arrow reader checks a stream), windows cut at `cuts` too.
fn by_slices_then_runs(
    cells: &[(String, String)],
    first: usize,
    cuts: &[usize],
    runs_from: usize,
    threads: usize,
) -> (Vec<usize>, PersonalIdScan) {
    use utklar_core::input::ColumnBatch;
    let mut reader = EpisodeReader::new();
    reader.allow_personal_ids(true);
    let runs_from = runs_from.min(cells.len());
    let mut bounds: Vec<usize> = cuts.iter().map(|&c| c % (cells.len() + 1)).collect();
    bounds.extend([0, runs_from, cells.len()]);
    bounds.sort_unstable();
    bounds.dedup();
    let opts = IndicatorOptions::default();
    let mut set = MeasureSet::new(opts.period);
    let mut batch = ColumnBatch::new();
    let mut repeated = Vec::new();
    for w in bounds.windows(2) {
        let part = &cells[w[0]..w[1]];
        if w[0] < runs_from {
            batch.start(first + w[0], part.len());
            batch.read(Field::EpisodeId, part.iter().map(|(e, _)| Value::Text(e)));
            batch.read(Field::PatientId, part.iter().map(|(_, p)| Value::Text(p)));
            batch.read(
                Field::Municipality,
                part.iter().map(|_| Value::Text("0880")),
            );
            batch.read(Field::CareType, part.iter().map(|_| Value::Text("somatic")));
            batch.read(Field::ReadyAt, part.iter().map(|_| Value::Date(20_150)));
            batch.read_rows(|i, row| {
                row.set(Field::EpisodeId, part[i].0.as_str());
                row.set(Field::PatientId, part[i].1.as_str());
                row.set(Field::Municipality, "0880");
                row.set(Field::CareType, "somatic");
                row.set(Field::ReadyAt, Value::Date(20_150));
            });
            batch.check_duplicates(&mut reader);
            batch.push(&mut set, &opts).unwrap();
        } else {
            let half = part.len() / 2;
            let mut runs = [IdRun::new(first + w[0]), IdRun::new(first + w[0] + half)];
            for (i, (e, p)) in part.iter().enumerate() {
                runs[usize::from(i >= half)].push(Value::Text(e), Value::Text(p));
            }
            repeated.extend(reader.check_runs(&mut runs, threads));
        }
    }
    let mut from_slices: Vec<usize> = set
        .report()
        .problems
        .iter()
        .filter(|p| p.reason == utklar_core::Reason::DuplicateEpisodeId)
        .map(|p| p.row)
        .collect();
    from_slices.sort_unstable();
    from_slices.extend(repeated);
    (from_slices, reader.personal_ids().clone())
}

proptest! {
    /// Ids in order, as exports sorted by their id have them, are held apart by the detector
    /// until one comes out of order: the rows named as repeats, and the personal-id counts,
    /// are the row-by-row check's, however the rows are cut into slices and windows and
    /// wherever the order breaks.
    #[test]
    fn ids_in_order_name_the_repeats_the_row_by_row_check_names(
        n in 0usize..400,
        breaks in proptest::collection::vec((0usize..400, 0u8..4), 0..4),
        style in 0u8..3,
        first in 0usize..3,
        cuts in proptest::collection::vec(0usize..400, 0..6),
        runs_from in 0usize..450,
        threads in 1usize..3,
    ) {
        let cells = ordered_cells(n, &breaks, style);
        let want = row_by_row(&cells, first);
        prop_assert_eq!(by_slices_then_runs(&cells, first, &cuts, runs_from, threads), want.clone());
        // And by runs alone, from the first row.
        prop_assert_eq!(by_runs(&cells, first, 0, &cuts, threads), want);
    }
}

#[test]
fn an_id_out_of_order_after_many_in_order_finds_its_first() {
    // Three windows in order, then a repeat of the very first id, then order again (on
    // the table now).
    let mut cells: Vec<(String, String)> = (0..30_000)
        .map(|i| (format!("E{i:06}"), String::new()))
        .collect();
    cells.push(("E000000".into(), String::new()));
    cells.extend((30_000..31_000).map(|i| (format!("E{i:06}"), String::new())));
    cells.push(("E030500".into(), String::new()));
    let want = row_by_row(&cells, 0);
    assert_eq!(want.0, [30_000, 31_001]);
    assert_eq!(
        by_slices_then_runs(&cells, 0, &[10_000, 20_000, 30_001], 20_000, 2),
        want
    );
    assert_eq!(
        by_slices_then_runs(&cells, 0, &[500, 29_000], 40_000, 1),
        want
    );
}
