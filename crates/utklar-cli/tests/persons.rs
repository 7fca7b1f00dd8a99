//! `utklar indicators --count persons`: distinct patient_id per group, care type and period.

mod common;
use common::utklar;
use std::path::PathBuf;

fn file() -> String {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("utklar-persons-tests");
    std::fs::create_dir_all(&d).unwrap();
    let f = d.join("persons.csv");
    // March, Kalmar somatic: p1 twice, p2 once, one without a patient id; an open episode of
    // p3 (not counted); a bad row; April: p1 again; Nybro (0881): p1.
    std::fs::write(
        &f,
        "episode_id,patient_id,municipality,care_type,ready_at,discharged_at\n\
         e1,p1,0880,somatic,2025-03-01,2025-03-03\n\
         e2,p1,0880,somatic,2025-03-10,2025-03-12\n\
         e3,p2,0880,somatic,2025-03-05,2025-03-05\n\
         e4,,0880,somatic,2025-03-05,2025-03-06\n\
         e5,p3,0880,somatic,2025-03-05,\n\
         e6,p4,0999,somatic,2025-03-05,2025-03-06\n\
         e7,p1,0880,somatic,2025-04-01,2025-04-03\n\
         e8,p1,0881,somatic,2025-03-01,2025-03-03\n",
    )
    .unwrap();
    f.display().to_string()
}

#[test]
fn persons_are_distinct_patient_ids_per_group_care_type_and_period() {
    let f = file();
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "municipality,care_type,period,episodes,persons,without_patient_id\n\
         0880,somatic,2025-03,4,2,1\n\
         0880,somatic,2025-04,1,1,0\n\
         0881,somatic,2025-03,1,1,0\n"
    );
    // By county: p1 of Kalmar and of Nybro is one person of Kalmar län.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--by",
        "county",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v[0],
        serde_json::json!({"county": "08", "care_type": "somatic", "period": "2025-03",
                           "episodes": 5, "persons": 2, "without_patient_id": 1})
    );
    assert_eq!(v.as_array().unwrap().len(), 2);
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--by",
        "nation",
        "--format",
        "csv",
    ]);
    // The nation: p1 of Kalmar and of Nybro is still one person.
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "care_type,period,episodes,persons,without_patient_id\n\
         somatic,2025-03,5,2,1\n\
         somatic,2025-04,1,1,0\n"
    );
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--by",
        "nation",
    ]);
    let t = String::from_utf8(o.stdout).unwrap();
    let row = t
        .lines()
        .find(|l| l.contains("2025-03"))
        .expect("a March row");
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["Sweden", "somatic", "2025-03", "5", "2", "1"],
        "{t}"
    );
    // The year holds p1 three times and p2: two persons (and one without an id) over five episodes.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--period",
        "year",
        "--format",
        "csv",
    ]);
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("0880,somatic,2025,5,2,1\n"));
    // Not with --wide.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--count",
        "persons",
        "--wide",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
