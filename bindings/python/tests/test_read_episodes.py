"""utklar.read_episodes: a CSV file, the same rows gzip-compressed and in a workbook written by
openpyxl (date and date-time cells, a text "0880", a number 880, Swedish booleans) give the
same table, with the documented column types, in every library."""

from __future__ import annotations

import datetime as dt
import gzip
import warnings
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

import utklar

from conftest import as_arrow, rows

HEADER = ["episode_id", "patient_id", "municipality", "care_type", "admitted_at", "ready_at",
          "discharged_at", "planned_discharge_date", "age", "admission_notice_sent"]
CSV = (
    "episode_id;patient_id;municipality;care_type;admitted_at;ready_at;discharged_at;planned_discharge_date;age;admission_notice_sent\r\n"
    "e1;p1;0880;Somatisk;2025-03-01 08:15;2025-03-03;2025-03-05;2025-03-04;81,0;SANT\r\n"
    "e2;p2;880;psykiatrisk;2025-03-02 23:00;2025-03-04;;;;FALSKT\r\n"
    "e3;p3;0999;somatic;2025-03-02 10:00;2025-03-04;2025-03-06;;70;\r\n"
)


def write_csv(tmp: Path) -> Path:
    p = tmp / "export.csv"
    p.write_bytes(CSV.encode())
    return p


def write_gzip(tmp: Path) -> Path:
    p = tmp / "export.csv.gz"
    p.write_bytes(gzip.compress(CSV.encode()))
    return p


def write_xlsx(tmp: Path, name: str = "export.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Utskrivningsklara"
    ws.append(HEADER)
    ws.append(["e1", "p1", "0880", "Somatisk", dt.datetime(2025, 3, 1, 8, 15), dt.date(2025, 3, 3),
               dt.date(2025, 3, 5), dt.date(2025, 3, 4), 81, True])
    ws.append(["e2", "p2", 880, "psykiatrisk", dt.datetime(2025, 3, 2, 23, 0), dt.date(2025, 3, 4),
               None, None, None, False])
    ws.append(["e3", "p3", "0999", "somatic", dt.datetime(2025, 3, 2, 10, 0), dt.date(2025, 3, 4),
               dt.date(2025, 3, 6), None, 70, None])
    for row in ws.iter_rows(min_row=2):
        for cell in row[4:8]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    p = tmp / name
    wb.save(p)
    return p


def read(path: Path, **kw):  # type: ignore[no-untyped-def]
    with pytest.warns(utklar.UtklarWarning, match="unknown_municipality: 1"):
        return utklar.read_episodes(path, **kw)


def test_csv_gzip_and_xlsx_give_the_same_table(tmp_path: Path, library: str) -> None:
    tables = [read(w(tmp_path), library=library) for w in (write_csv, write_gzip, write_xlsx)]
    got = [rows(t) for t in tables]
    assert got[0] == got[1] == got[2]
    r = got[0]
    assert [x["episode_id"] for x in r] == ["e1", "e2"]  # e3's municipality is unknown
    assert r[0]["municipality"] == "0880" and r[1]["municipality"] == "0880"
    assert [x["care_type"] for x in r] == ["somatic", "psychiatric"]
    assert r[0]["admitted_at"] == dt.datetime(2025, 3, 1, 8, 15)
    assert r[0]["ready_at"] == dt.date(2025, 3, 3) and r[1]["discharged_at"] is None
    assert r[0]["planned_discharge_date"] == dt.date(2025, 3, 4)
    assert (r[0]["age"], r[1]["age"]) == (81, None)
    assert [x["admission_notice_sent"] for x in r] == [True, False]
    assert [x["sip_required"] for x in r] == [False, False]  # the default
    report = utklar.last_exclusions()
    assert report is not None and (report.rows_in, report.counted, report.excluded) == (3, 2, 1)
    assert report.problems == [utklar.Problem(2, "municipality", "unknown_municipality")]


def test_documented_types(tmp_path: Path) -> None:
    t = as_arrow(read(write_csv(tmp_path)))
    types = {f.name: str(f.type) for f in t.schema}
    assert types == {
        "episode_id": "string", "patient_id": "string", "municipality": "string", "care_type": "string",
        # Every admission has a time of day; no ready or discharge notice has one.
        "admitted_at": "timestamp[us]", "ready_at": "date32[day]", "discharged_at": "date32[day]",
        "home_ready_at": "date32[day]", "planned_discharge_date": "date32[day]", "age": "int64",
        "admission_notice_sent": "bool", "sip_required": "bool", "sip_called": "bool", "region_blocked": "bool",
    }


def test_mixed_times_stay_text_and_read_back_the_same(tmp_path: Path) -> None:
    p = tmp_path / "mixed.csv"
    p.write_text(
        "episode_id,municipality,care_type,admitted_at,ready_at,discharged_at\n"
        "a,0880,somatic,2025-03-01T14:00,2025-03-01,2025-03-10\n"
        "b,0880,somatic,2025-03-01,2025-03-02T13:30:15,2025-03-10\n"
    )
    t = utklar.read_episodes(p)
    # ready_at mixes a date (time unknown) and a date-time: as ISO text, nothing invented.
    assert t.schema.field("ready_at").type == pa.string()
    assert t["ready_at"].to_pylist() == ["2025-03-01", "2025-03-02T13:30:15"]
    # Read back, the table gives what the file gives: a's ready notice on its admission date
    # with no time is not "before admission" (a midnight timestamp would be).
    inv_table = utklar.invoice(t, "statutory", amounts={2025: 10900})
    raw = pa.table({
        "episode_id": ["a", "b"], "municipality": ["0880", "0880"], "care_type": ["somatic", "somatic"],
        "admitted_at": ["2025-03-01T14:00", "2025-03-01"], "ready_at": ["2025-03-01", "2025-03-02T13:30:15"],
        "discharged_at": ["2025-03-10", "2025-03-10"],
    })
    inv_raw = utklar.invoice(raw, "statutory", amounts={2025: 10900})
    assert inv_table.not_billed_counts == inv_raw.not_billed_counts
    assert rows(inv_table.lines) == rows(inv_raw.lines) and len(rows(inv_raw.lines)) == 2
    # What a midnight timestamp would have done: a's ready notice before its admission.
    midnight = t.set_column(t.schema.get_field_index("ready_at"), "ready_at",
                            pa.array([dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2, 13, 30, 15)]))
    with pytest.warns(utklar.UtklarWarning, match="ready_before_admission: 1"):
        inv_midnight = utklar.invoice(midnight, "statutory", amounts={2025: 10900})
    assert inv_midnight.not_billed_counts == {"invalid_dates": 1}


def test_sheet_strict_and_errors(tmp_path: Path) -> None:
    p = write_xlsx(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        assert utklar.read_episodes(p, sheet="Utskrivningsklara").num_rows == 2
    with pytest.raises(utklar.InvalidArgumentError, match="Utskrivningsklara"):
        utklar.read_episodes(p, sheet="Blad2")
    with pytest.raises(utklar.InvalidRowsError) as e:
        utklar.read_episodes(p, strict=True)
    assert e.value.problems == [(2, "municipality", "unknown_municipality")]
    with pytest.raises(utklar.InvalidArgumentError, match="missing.csv"):
        utklar.read_episodes(tmp_path / "missing.csv")
    parquet = tmp_path / "export.parquet"
    parquet.write_bytes(b"PAR1\0\0\0\0")
    with pytest.raises(utklar.InvalidArgumentError, match="Parquet"):
        utklar.read_episodes(parquet)
    with pytest.raises(utklar.InvalidArgumentError, match="library"):
        utklar.read_episodes(p, library="numpy")


def test_personal_ids_refused_unless_allowed(tmp_path: Path) -> None:
    p = tmp_path / "pnr.csv"
    p.write_text("episode_id,patient_id,municipality,care_type,ready_at\ne1,19121212-1212,0880,somatic,2025-03-03\n")
    with pytest.raises(utklar.PersonalDataError) as e:
        utklar.read_episodes(p)
    assert "19121212" not in str(e.value) and "patient_id" in str(e.value)
    t = utklar.read_episodes(p, allow_personal_ids=True)
    assert t["patient_id"].to_pylist() == ["19121212-1212"]
