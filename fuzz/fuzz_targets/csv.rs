//! The CSV reader (`utklar-csv`): any bytes as an episode file, read whole, row by row and
//! through `measure` on one thread and on two, and as a population and a beds file.
//!
//! Checks: no panic; the three ways of reading an episode file agree (the same rows, lines,
//! problems and error); `measure` gives the same measures, account, problems, lines and
//! callbacks with one thread and with two; every account balances.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utklar_core::{IndicatorOptions, MeasureSet, Mode, NegativeDays, PeriodKind, Problem};
use utklar_csv::{measure, EpisodeFile, Threads};

/// What one run of `measure` gave: the finished set (or its error), the lines of bad rows,
/// the callbacks in order, or the file's error.
type Run = Result<(Result<Summary, String>, Vec<(usize, u64)>, Calls), String>;

/// `(problems, line)` of each `on_problems` call and the rows of each `progress` call.
type Calls = (Vec<(Vec<Problem>, u64)>, Vec<u64>);

/// What a finished measure set holds, comparably.
type Summary = (utklar_core::ExclusionReport, String);

fn summary(set: &MeasureSet) -> Summary {
    assert!(set.report().balances(), "{:?}", set.report());
    let mut cells: Vec<String> = set.iter().map(|c| format!("{c:?}")).collect();
    cells.sort();
    (set.report().clone(), cells.join("\n"))
}

fn run(data: &[u8], opts: &IndicatorOptions, threads: Threads) -> Run {
    let file = EpisodeFile::from_bytes(data).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let mut progress = Vec::new();
    let m = measure(
        file,
        opts,
        threads,
        |p, line| {
            assert!(!p.is_empty());
            problems.push((p.to_vec(), line));
            Ok::<_, utklar_csv::Error>(())
        },
        |_, rows| progress.push(rows),
    )
    .map_err(|e| e.to_string())?;
    let mut lines: Vec<(usize, u64)> = m.lines.iter().map(|(r, l)| (*r, *l)).collect();
    lines.sort_unstable();
    for &(row, line) in &lines {
        assert_eq!(m.line(row), line);
        assert!(line >= 2, "a data row starts after the header");
    }
    let finished = m
        .set
        .finish(opts)
        .map(|s| summary(&s))
        .map_err(|e| e.to_string());
    Ok((finished, lines, (problems, progress)))
}

fuzz_target!(|data: &[u8]| {
    // The whole file at once.
    let whole = utklar_csv::read_episodes_from(data);
    // Row by row: the same rows, lines and problems, or the same error.
    let mut rows = 0usize;
    let mut episodes = 0usize;
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    let by_row: Result<(), String> = match EpisodeFile::from_bytes(data) {
        Err(e) => Err(e.to_string()),
        Ok(mut file) => loop {
            match file.next_row() {
                Ok(Some(r)) => {
                    assert_eq!(r.row, rows);
                    rows += 1;
                    if let Some(&last) = lines.last() {
                        assert!(r.line > last, "lines increase");
                    }
                    lines.push(r.line);
                    match r.result {
                        Ok(_) => {
                            episodes += 1;
                            assert!(r.episode_id.is_none());
                        }
                        Err(p) => {
                            assert!(!p.is_empty());
                            assert!(p.iter().all(|p| p.row == r.row));
                            problems.extend(p);
                        }
                    }
                }
                Ok(None) => {
                    // Nothing after the end.
                    assert!(file.next_row().expect("still the end").is_none());
                    break Ok(());
                }
                Err(e) => {
                    assert!(file.next_row().expect("the end after an error").is_none());
                    break Err(e.to_string());
                }
            }
        },
    };
    match (&whole, &by_row) {
        (Ok(w), Ok(())) => {
            assert_eq!(w.rows(), rows);
            assert_eq!(w.set.episodes().len(), episodes);
            assert_eq!(w.lines, lines);
            assert!(w.problems().eq(problems.iter()));
        }
        (Err(a), Err(b)) => assert_eq!(&a.to_string(), b),
        (a, b) => panic!("read whole: {a:?}, row by row: {b:?}"),
    }

    // `measure` on one thread and on two: the same in every respect.
    for opts in [
        IndicatorOptions::default(),
        IndicatorOptions::default()
            .period(PeriodKind::Quarter)
            .negative_days(NegativeDays::Error)
            .min_age(Some(65))
            .mode(Mode::Strict),
        IndicatorOptions::default()
            .period(PeriodKind::Year)
            .negative_days(NegativeDays::Day0)
            .min_age(None)
            .mode(Mode::Lenient),
    ] {
        let one = run(data, &opts, Threads::One);
        let two = run(data, &opts, Threads::Two);
        assert_eq!(one, two, "one thread and two differ");
        if let (Ok((Ok((report, _)), bad_lines, _)), Ok(w)) = (&one, &whole) {
            assert_eq!(report.rows_in, w.rows() as u64);
            assert!(bad_lines.len() >= w.set.unreadable().len());
        }
        // A file that cannot be read whole cannot be measured whole either.
        if whole.is_err() {
            assert!(one.is_err());
        }
    }

    // The reference files.
    let _ = utklar_csv::read_population_from(data);
    let _ = utklar_csv::read_beds_from(data);
});
