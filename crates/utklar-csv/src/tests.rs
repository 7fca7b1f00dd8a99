use std::fmt::Write as _;
use std::io::{self, Read};

use proptest::prelude::*;
use utklar_core::{Field, IndicatorOptions, Reason};

use crate::reader::detect_delimiter;
use crate::*;

const HEAD: &str = "episode_id,municipality,care_type,ready_at,discharged_at";

/// Every record's line and fields.
fn records(data: &[u8]) -> Result<Vec<(u64, Vec<String>)>, Error> {
    records_of(CsvReader::new(data)?)
}

fn records_of<R: Read>(mut csv: CsvReader<R>) -> Result<Vec<(u64, Vec<String>)>, Error> {
    let mut out = Vec::new();
    let mut r = Record::new();
    while csv.read_record(&mut r)? {
        let fields = r
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        out.push((r.line(), fields));
    }
    Ok(out)
}

/// A source that gives one byte per read, so that every boundary falls between two reads.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(out)) => {
                *out = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn delimiter_is_detected_from_the_header() {
    assert_eq!(detect_delimiter(b"a,b,c\n1;2;3"), b',');
    assert_eq!(detect_delimiter(b"a;b;c\r\n1,5;2,5;3"), b';');
    assert_eq!(detect_delimiter(b"\"a;x\",b,c\n"), b',');
    assert_eq!(detect_delimiter(b"a\tb\tc\n"), b'\t');
    assert_eq!(detect_delimiter(b"single\n"), b',');
    assert_eq!(detect_delimiter(b"a;b\r1,5,2,5\r"), b';');
}

#[test]
fn bom_semicolons_and_tabs() {
    let csv = CsvReader::from_bytes(b"\xEF\xBB\xBFa;b\n1;2\n").unwrap();
    assert_eq!(csv.header(), ["a", "b"]);
    assert_eq!(csv.delimiter(), b';');
    assert_eq!(
        records(b"\xEF\xBB\xBFa;b\n1;\"x;y\"\n").unwrap(),
        [(2, vec!["1".to_string(), "x;y".to_string()])]
    );
    let tab = records(b"a\tb\n1\t2,5\n").unwrap();
    assert_eq!(tab, [(2, vec!["1".to_string(), "2,5".to_string()])]);
}

#[test]
fn crlf_lines_are_counted_once() {
    let text = b"a,b\r\n1,2\r\n3,4\r\n\r\n5,6\r\n";
    let lines: Vec<u64> = records(text).unwrap().into_iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 3, 5]);
    // The same with LF, and with no line end after the last record.
    let lf: Vec<u64> = records(b"a,b\n1,2\n3,4\n\n5,6")
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(lf, [2, 3, 5]);
    // And with a lone CR (old Macintosh files), blank lines included.
    let cr: Vec<u64> = records(b"a,b\r1,2\r3,4\r\r5,6\r")
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(cr, [2, 3, 5]);
}

#[test]
fn quoted_line_ends_keep_the_numbering() {
    let text = b"a,b\r\n1,\"two\r\nlines\"\r\n2,\"three\nmore\r\nlines\"\r\n3,x\r\n";
    let got = records(text).unwrap();
    let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 4, 7]);
    assert_eq!(got[0].1[1], "two\r\nlines");
    // Read one byte at a time: the same.
    let trickled = records_of(CsvReader::new(Trickle(text)).unwrap()).unwrap();
    assert_eq!(trickled, got);
}

#[test]
fn a_record_of_the_wrong_length_names_its_line() {
    for (text, line, found) in [
        (&b"a,b,c\r\n1,2,3\r\n1,2\r\n"[..], 3, 2),
        (b"a,b,c\n1,\"2\n\",3\n1,2,3,4\n", 4, 4),
        (b"a;b;c\r\n1;2;3;\r\n", 2, 4),
    ] {
        match records(text) {
            Err(e @ Error::FieldCount { .. }) => {
                assert_eq!(e.line(), Some(line));
                let Error::FieldCount {
                    expected, found: f, ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!((expected, f), (3, found));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_record_over_the_limit_is_an_error_not_an_abort() {
    // No line end at all (like /dev/zero): the header itself.
    let zeros = vec![0u8; 3 * MAX_RECORD_BYTES];
    let e = CsvReader::from_bytes(&zeros).err().unwrap();
    assert!(matches!(e, Error::RecordTooLong { line: 1, .. }), "{e:?}");
    // An unclosed quote on line 3.
    let mut text = b"a,b\n1,2\n3,\"".to_vec();
    text.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
    text.extend_from_slice(b"\n4,5\n");
    let e = records(&text).unwrap_err();
    assert!(matches!(e, Error::RecordTooLong { line: 3, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "line 3: a record longer than {MAX_RECORD_BYTES} bytes (an unclosed quote, or not a CSV file)"
        )
    );
    // Just under the limit is read.
    let mut ok = b"a,b\n1,".to_vec();
    ok.extend(std::iter::repeat_n(b'y', MAX_RECORD_BYTES - 10));
    ok.extend_from_slice(b"\n");
    assert_eq!(records(&ok).unwrap().len(), 1);
    // Only delimiters: as many fields as bytes, bounded too.
    let commas = vec![b','; 2 * MAX_RECORD_BYTES];
    assert!(matches!(
        CsvReader::from_bytes(&commas).err().unwrap(),
        Error::RecordTooLong { .. }
    ));
}

#[test]
fn two_columns_for_one_field_are_named_both() {
    let text = format!("{HEAD},MUNICIPALITY\ne1,0880,somatic,2025-03-01,,0880\n");
    let e = EpisodeFile::from_bytes(text.as_bytes()).err().unwrap();
    assert_eq!(
        e.to_string(),
        "columns `municipality` and `MUNICIPALITY` both name `municipality` (column names are \
         matched case-insensitively); keep one"
    );
    let pop = "municipality,year,pop_total,Year,pop_65plus\n0880,2025,1,2025,1\n";
    let e = read_population_from(pop.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("`year` and `Year`"), "{e}");
}

#[test]
fn empty_files_and_files_without_a_header() {
    for empty in [
        &b""[..],
        b"\xEF\xBB\xBF",
        b"\r\n\r\n",
        b"\xEF\xBB\xBF\r\n",
        b" , \n",
    ] {
        let e = CsvReader::from_bytes(empty).err().unwrap();
        assert!(matches!(e, Error::Empty), "{empty:?}: {e:?}");
    }
    // The first line is data: the message names the required columns, not the line's cells.
    let data = b"e1,0880,somatic,2025-03-01,2025-03-02\ne2,0880,somatic,2025-03-01,2025-03-02\n";
    let e = EpisodeFile::from_bytes(data).err().unwrap();
    assert!(matches!(e, Error::NoHeader { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("no header row"), "{msg}");
    for cell in ["e1", "0880", "somatic", "2025"] {
        assert!(!msg.contains(cell), "{msg}");
    }
    let e = read_beds_from(&b"08,2025-03,410\n"[..]).unwrap_err();
    assert!(matches!(e, Error::NoHeader { .. }), "{e:?}");
    assert!(!e.to_string().contains("410"));
    assert!(matches!(
        CsvReader::from_bytes(b"\xFF\xFEa\0").err().unwrap(),
        Error::Utf16
    ));
}

#[test]
fn a_header_alone_is_no_rows() {
    let read = read_episodes_from(format!("{HEAD}\r\n").as_bytes()).unwrap();
    assert_eq!((read.rows(), read.set.episodes().len()), (0, 0));
    let e = read_population_from(&b"municipality,year,pop_total,pop_65plus\n"[..]).unwrap_err();
    assert_eq!(e.to_string(), "no population rows after the header");
    let e = EpisodeFile::from_bytes(b"episode_id,municipality,care_type\n")
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "required column `ready_at` is missing (the header has: episode_id, municipality, care_type)"
    );
}

#[test]
fn a_cell_that_is_not_utf8_names_line_and_column() {
    let text = b"patient_id,episode_id,municipality,care_type,ready_at\r\nP1,e1,0880,somatic,2025-03-01\r\nP\xF6,e2,0880,somatic,2025-03-01\r\n";
    let mut file = EpisodeFile::from_bytes(text).unwrap();
    assert!(file.next().unwrap().is_ok());
    let e = file.next().unwrap().unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3, column `patient_id` is not UTF-8 text; save the file as CSV UTF-8"
    );
    assert!(file.next().is_none());
    // Bytes in a column no field reads do not matter.
    let ignored =
        b"note,episode_id,municipality,care_type,ready_at\n\xF6,e1,0880,somatic,2025-03-01\n";
    assert_eq!(
        read_episodes_from(&ignored[..])
            .unwrap()
            .set
            .episodes()
            .len(),
        1
    );
}

#[test]
fn rows_carry_the_cores_problems_with_row_and_line() {
    let text = format!(
        "{HEAD}\r\ne1,0880,somatic,2025-03-01,2025-03-02\r\n\"e\n2\",0999,somatic,2025-03-01,\r\ne1,0880,somatic,2025-03-01,2025-03-03\r\n"
    );
    let read = read_episodes_from(text.as_bytes()).unwrap();
    assert_eq!(read.lines, [2, 3, 5]);
    let p: Vec<_> = read
        .problems()
        .map(|p| (p.row, p.field, p.reason))
        .collect();
    assert_eq!(
        p,
        [
            (1, Field::Municipality, Reason::UnknownMunicipality),
            (2, Field::EpisodeId, Reason::DuplicateEpisodeId)
        ]
    );
}

/// What [`measure`] gave on `text` (ids that look like personal identity numbers let
/// through when `allow_personal`): the measures, or the error as text; each `on_problems` call
/// with its line; each `progress` call's rows.
#[allow(clippy::type_complexity)]
fn measure_text(
    text: &[u8],
    opts: &IndicatorOptions,
    threads: Threads,
    allow_personal: bool,
) -> (
    Result<Measured, String>,
    Vec<(Vec<utklar_core::Problem>, u64)>,
    Vec<u64>,
) {
    let mut seen = Vec::new();
    let mut progress = Vec::new();
    let mut file = EpisodeFile::from_bytes(text).unwrap();
    file.allow_personal_ids(allow_personal);
    let m = measure(
        file,
        opts,
        threads,
        |p, line| {
            seen.push((p.to_vec(), line));
            Ok::<_, Error>(())
        },
        |_, rows| progress.push(rows),
    );
    (m.map_err(|e| e.to_string()), seen, progress)
}

#[test]
fn one_thread_and_two_give_the_same() {
    let mut text = format!("{HEAD},patient_id\r\n");
    for i in 0..10_000 {
        let muni = if i % 97 == 0 { "0999" } else { "0880" };
        let id = if i % 89 == 0 { 1 } else { i };
        let patient = if i % 1000 == 0 { "\"P\r\nx\"" } else { "P" };
        let _ = write!(
            text,
            "e{id},{muni},somatic,2025-03-01,2025-03-0{},{patient}\r\n",
            1 + i % 5
        );
    }
    let opts = IndicatorOptions::default();
    let run = |threads| {
        let (m, seen, _) = measure_text(text.as_bytes(), &opts, threads, false);
        (m.unwrap().set.finish(&opts).unwrap(), seen)
    };
    let (one, seen1) = run(Threads::One);
    let (two, seen2) = run(Threads::Two);
    assert_eq!(one.report(), two.report());
    assert_eq!(seen1, seen2);
    assert!(seen1.len() > 200);
    // Lines: 10 lines of multi-line patient ids push later rows down.
    let (p, line) = seen1.last().unwrap();
    let row = p[0].row;
    assert_eq!(*line, row as u64 + 2 + (row as u64).div_ceil(1000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Ids in order for batches on end — zero-padded or not — then one out of order (a repeat
    /// of an early id, or a new one below the last), then in order again: the duplicate check
    /// holds the ids while they come in order, on the two-thread paths, and names the rows the
    /// one-thread check names, with the same lines, whether the rows are read column by column
    /// (`measure`) or whole (`read_rows`).
    #[test]
    fn ids_in_order_then_out_name_the_same_repeats(
        rows in 0usize..9000,
        at in 0usize..9000,
        repeat in any::<bool>(),
        padded in any::<bool>(),
        personal in any::<bool>(),
    ) {
        let name = |k: usize| if padded { format!("E{k:06}") } else { format!("{k}") };
        let mut text = format!("{HEAD},patient_id\n");
        for i in 0..rows {
            let id = match i {
                _ if i == at && repeat => name(3),
                _ if i == at => name(2 * i),
                _ => name(2 * i + 1),
            };
            let patient = if personal && i == rows / 3 { "191212121212" } else { "P" };
            let _ = writeln!(text, "{id},0880,somatic,2025-03-01,2025-03-0{},{patient}", 1 + i % 5);
        }
        let opts = IndicatorOptions::default();
        // Personal identity numbers are refused (counted by the check that holds ids too).
        let measured = |threads| {
            let (m, seen, _) = measure_text(text.as_bytes(), &opts, threads, false);
            (m.and_then(|m| m.set.finish(&opts).map_err(|e| e.to_string())).map(|s| s.report().clone()), seen)
        };
        let whole = |threads| {
            let mut bad = Vec::new();
            let file = EpisodeFile::from_bytes(text.as_bytes()).unwrap();
            read_rows(file, threads, |r| {
                if let Err(p) = r.result {
                    bad.push((r.row, r.line, p));
                }
                Ok::<_, Error>(())
            }, |_, _| {}).map(|()| bad).map_err(|e| e.to_string())
        };
        let one = measured(Threads::One);
        prop_assert_eq!(&measured(Threads::Two), &one);
        let bad = whole(Threads::One);
        prop_assert_eq!(whole(Threads::Two), bad.clone());
        let has_personal = personal && rows > 0;
        prop_assert_eq!(one.0.is_err(), has_personal, "{:?}", one.0);
        prop_assert_eq!(bad.is_err(), has_personal);
        let Ok(bad) = bad else { return Ok(()) };
        // The repeat is named, and nothing else.
        let repeats: Vec<usize> = bad.iter().map(|b| b.0).collect();
        // (Row 1's id is the one repeated: at row 0 it comes first, and row 1 repeats it.)
        let want: Vec<usize> = match at {
            _ if !repeat || at >= rows => vec![],
            0 if rows > 1 => vec![1],
            0 | 1 => vec![],
            _ => vec![at],
        };
        prop_assert_eq!(repeats, want);
    }
}

#[test]
fn an_error_in_a_batch_stops_both_paths_at_the_same_row() {
    let mut text = format!("{HEAD}\n");
    for i in 0..5000 {
        let _ = writeln!(text, "e{i},0880,somatic,2025-03-01,2025-03-02");
    }
    text.push_str("short,row\n");
    for threads in [Threads::One, Threads::Two] {
        let mut rows = 0;
        let file = EpisodeFile::from_bytes(text.as_bytes()).unwrap();
        let e = measure(
            file,
            &IndicatorOptions::default(),
            threads,
            |_, _| Ok::<_, Error>(()),
            |_, r| rows = r,
        )
        .unwrap_err();
        assert_eq!(e.line(), Some(5002), "{threads:?}");
        assert_eq!(rows, 5000, "{threads:?}");
    }
}

proptest! {
    /// Whatever the line ends (LF, CRLF or CR between records, and CRLF anywhere; LF or CRLF
    /// inside quoted cells), and blank lines,
    /// each record's line is 1 + the line ends before it, and reading a byte at a time gives
    /// the same records.
    #[test]
    fn lines_are_line_ends_before_the_record(
        kind in 0u8..3,
        rows in proptest::collection::vec((0u8..4, 0u8..3, 0u8..2), 0..40)
    ) {
        // One convention per file ("\r" then "\n" would be one CRLF, not two line ends).
        let end: &[u8] = [&b"\r\n"[..], b"\n", b"\r"][usize::from(kind)];
        let mut text = b"a,b\n".to_vec();
        let mut expected = Vec::new();
        let mut line = 2u64;
        for (inner, blank, last) in rows {
            for _ in 0..blank {
                text.extend_from_slice(end);
                line += 1;
            }
            expected.push(line);
            text.extend_from_slice(b"x,\"");
            // Inside quotes the parser counts '\n': a lone CR is no line end there.
            let inside: &[u8] = if kind == 2 { b"\n" } else { end };
            for _ in 0..inner {
                text.extend_from_slice(b"y");
                text.extend_from_slice(inside);
                line += 1;
            }
            text.extend_from_slice(b"\"");
            if last == 0 {
                text.extend_from_slice(end);
                line += 1;
            } else {
                text.extend_from_slice(b"\r\n");
                line += 1;
            }
        }
        let got = records(&text).unwrap();
        let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
        prop_assert_eq!(&lines, &expected);
        let trickled = records_of(CsvReader::new(Trickle(&text)).unwrap()).unwrap();
        prop_assert_eq!(trickled, got);
    }
}

proptest! {
    /// Any bytes after a header: reading never panics, every row or error names a line at or
    /// after the previous one, and row numbers count up from 0.
    #[test]
    fn any_bytes_read_without_panic(
        body in proptest::collection::vec(
            prop_oneof![Just(b','), Just(b';'), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(0xF6u8), any::<u8>()],
            0..400,
        )
    ) {
        let mut text = format!("{HEAD}\r\n").into_bytes();
        text.extend_from_slice(&body);
        let mut last = 1;
        let mut next_row = 0;
        for item in EpisodeFile::from_bytes(&text).unwrap() {
            match item {
                Ok(row) => {
                    prop_assert!(row.line > last);
                    prop_assert_eq!(row.row, next_row);
                    last = row.line;
                    next_row += 1;
                }
                Err(e) => prop_assert!(e.line().is_some_and(|l| l > last), "{e:?}"),
            }
        }
    }
}

proptest! {
    /// The quote-free lines read without the parser give what the parser gives: any mix of
    /// delimiters, quotes, CR, LF, blank lines, spaces and multi-byte text, read whole (lines
    /// found in the buffer: the fast path where it applies) and a byte at a time (every line
    /// cut between reads: the parser), gives the same records, lines and errors.
    #[test]
    fn the_fast_path_reads_as_the_parser(
        body in proptest::collection::vec(
            prop_oneof![
                Just(&b","[..]), Just(&b";"[..]), Just(&b"\t"[..]), Just(&b"\""[..]),
                Just(&b"\r"[..]), Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b" "[..]),
                Just(&b"a"[..]), Just(&b"0880"[..]), Just("é".as_bytes()), Just(&b"\n\n"[..]),
            ],
            0..300,
        ),
        head in 0usize..3,
    ) {
        let mut text = [&b"a,b,c\n"[..], b"a;b\r\n", b"a\tb\tc\td\n"][head].to_vec();
        for piece in body {
            text.extend_from_slice(piece);
        }
        let whole = records(&text).map_err(|e| e.to_string());
        let trickled = CsvReader::new(Trickle(&text))
            .and_then(records_of)
            .map_err(|e| e.to_string());
        prop_assert_eq!(whole, trickled);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// The two-thread measure reads records column by column through the core's columnar
    /// reader; the one-thread measure row by row. On files of every kind of cell — repeated,
    /// blank and padded ids, unknown codes, Swedish booleans and decimal commas, impossible and
    /// out-of-range dates, times to the second and with offsets, quoted cells, text that is not
    /// UTF-8 in a column that is read and in one that is not, rows of the wrong length,
    /// personal identity numbers, columns in any order, over several batches — both give the
    /// same measures, the same problems with the same lines in the same order, the same
    /// progress and the same error.
    #[test]
    fn columns_and_rows_read_a_file_alike(
        order in 0usize..3,
        crlf in any::<bool>(),
        personal in 0u8..4,
        rows in proptest::collection::vec(
            (0usize..60, 0usize..30, 0usize..20, 0usize..30, 0usize..30, 0usize..30, 0usize..20, 0usize..20, 0usize..6, 0usize..200),
            0..3000,
        ),
    ) {
        const IDS: [&str; 4] = ["", " e7 ", "19121212-1212", "\"e,1\""];
        const MUNIS: [&str; 9] = ["0880", "880", "0999", "0180", "", "1480", "\"88,0\"", "08x0", " 0180"];
        const CARE: [&str; 7] = ["somatic", "psykiatrisk", "SOMATIC", "dental", "", "Psykiatri", "\"somatic\""];
        const TIMES: [&str; 12] = [
            "2025-03-01", "2025-03-01T10:00:10", "2025-03-01 10:00", "2025-02-30", "",
            "1989-12-31", "2025-03-01T10:00:00+01:00", " 2025-03-02 ", "2025-03-03T09:00:30",
            "2025-03-01T10:00:30", "2025-3-1", "2101-01-01",
        ];
        const AGES: [&str; 8] = ["81", "\"86,0\"", "", "x", "200", "-1", "67", "17"];
        const FLAGS: [&str; 8] = ["SANT", "FALSKT", "ja", "", "maybe", "1", "false", "NEJ"];
        const NOTES: [&[u8]; 6] = [b"ok", b"\xF6", "é".as_bytes(), b"", b"\"a\r\nb\"", b"x"];
        let heads = [
            "episode_id,municipality,care_type,admitted_at,ready_at,discharged_at,age,admission_notice_sent,note",
            "note,patient_id,ready_at,episode_id,municipality,care_type,discharged_at,age",
            "care_type,municipality,discharged_at,ready_at,episode_id,region_blocked,admitted_at,note",
        ];
        let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let head = heads[order];
        let mut text = head.as_bytes().to_vec();
        text.extend_from_slice(end);
        for (k, &(id, m, c, a, r, d, age, flag, note, odd)) in rows.iter().enumerate() {
            // Ids: a few odd ones, some repeating those of the first rows, the others new.
            let id = match id {
                0..4 => IDS[id].to_string(),
                4..12 => format!("e{id}"),
                _ => format!("e{k}"),
            };
            // A personal identity number in one row of a quarter of the files.
            let id = if personal == 0 && k == rows.len() / 2 {
                "19121212-1212".to_string()
            } else if id == "19121212-1212" {
                "e3".to_string()
            } else {
                id
            };
            // Mostly valid cells: an index past a pool's end is its first (valid) value, or
            // for the times a valid day after the ready date.
            let pick = |pool: &[&'static str], i: usize| pool.get(i).copied().unwrap_or(pool[0]);
            let later = ["2025-03-04", "2025-03-05T08:00", "2025-03-01"];
            for (j, name) in head.split(',').enumerate() {
                if j > 0 {
                    text.push(b',');
                }
                let cell: &[u8] = match name {
                    "episode_id" => id.as_bytes(),
                    "patient_id" => match odd {
                        // In a quarter of the files, personal numbers as patient ids (refused
                        // unless the row has no episode id).
                        5 | 6 if personal == 1 => b"191212121212",
                        _ if odd % 3 == 0 => b"P1",
                        _ => b"",
                    },
                    "municipality" => pick(&MUNIS, m).as_bytes(),
                    "care_type" => pick(&CARE, c).as_bytes(),
                    "admitted_at" => TIMES.get(a).map_or("", |t| t).as_bytes(),
                    "ready_at" => pick(&TIMES, r).as_bytes(),
                    "discharged_at" => TIMES.get(d).copied().unwrap_or(later[d % 3]).as_bytes(),
                    "age" => pick(&AGES, age).as_bytes(),
                    "admission_notice_sent" | "region_blocked" => pick(&FLAGS, flag).as_bytes(),
                    _ => NOTES[note],
                };
                text.extend_from_slice(cell);
            }
            // Now and then a read cell that is not UTF-8, or a row of the wrong length.
            match odd {
                0 if k > 2400 => text.extend_from_slice(b",extra"),
                1 if k > 2500 => text.extend_from_slice(b"\xF6"),
                _ => {}
            }
            text.extend_from_slice(end);
        }
        let opts = IndicatorOptions::default();
        let run = |threads| {
            let (m, seen, progress) = measure_text(&text, &opts, threads, false);
            (m.map(|m| (m.set.finish(&opts).unwrap(), m.lines)), seen, progress)
        };
        let (one, seen1, rows1) = run(Threads::One);
        let (two, seen2, rows2) = run(Threads::Two);
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(seen1, seen2);
        prop_assert_eq!(rows1, rows2);
        if std::env::var_os("UTKLAR_TEST_SHOW").is_some() {
            eprintln!("{} rows: {:?}", rows.len(), one.as_ref().map(|(s, _)| s.report().counted));
        }
    }
}
