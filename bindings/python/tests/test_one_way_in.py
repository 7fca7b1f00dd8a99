"""The tables users really have, read through the core's one input layer: pandas' read_csv
defaults, polars Null columns, categoricals with integer categories, Swedish booleans, and the
warning when rows are excluded."""

from __future__ import annotations

import io
import pathlib
from typing import Callable
import warnings

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv  # noqa: F401  (pa.csv)
import pytest

import utklar

EXPORT = """episode_id,municipality,care_type,ready_at,discharged_at,home_ready_at,age,sip_required
101,880,somatic,2025-03-03 10:00,2025-03-05 09:00,,81,FALSKT
102,0880,psychiatric,2025-03-04,2025-03-04,,,SANT
103,880,somatic,2025-03-04 10:00:10,2025-03-06,,77,FALSKT
"""


def quiet(f, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error", utklar.UtklarWarning)
        return f(*args, **kwargs)


def test_pandas_read_csv_with_defaults() -> None:
    df = pd.read_csv(io.StringIO(EXPORT))
    # What pandas made of it: numeric ids and codes, an all-empty column as float64 NaN.
    assert df["episode_id"].dtype == "int64" and df["municipality"].dtype == "int64"
    assert df["home_ready_at"].dtype == "float64" and df["age"].dtype == "float64"
    out = quiet(utklar.indicators, df)
    assert out["episodes"].sum() == 3
    assert sorted(out["municipality"]) == ["0880", "0880"]
    assert utklar.last_exclusions().counted == 3  # type: ignore[union-attr]
    # The same rows read as text give the same answer.
    text = pa.csv.read_csv(
        io.BytesIO(EXPORT.encode()),
        convert_options=pa.csv.ConvertOptions(column_types={c: pa.string() for c in df.columns}),
    )
    assert quiet(utklar.indicators, text).to_pylist() == pa.Table.from_pandas(out, preserve_index=False).to_pylist()


def test_numeric_ids_are_checked_for_duplicates() -> None:
    df = pd.read_csv(io.StringIO(EXPORT)).assign(episode_id=[7, 8, 7])
    with pytest.warns(utklar.UtklarWarning, match="duplicate_episode_id: 1"):
        out = utklar.indicators(df)
    assert out["episodes"].sum() == 2
    assert utklar.last_exclusions().problems == [  # type: ignore[union-attr]
        utklar.Problem(2, "episode_id", "duplicate_episode_id")
    ]
    with pytest.raises(utklar.InvalidRowsError):
        utklar.indicators(df, strict=True)


def test_polars_null_column() -> None:
    df = pl.DataFrame(
        {
            "episode_id": ["a", "b"],
            "municipality": ["0880", "0880"],
            "care_type": ["somatic", "somatic"],
            "ready_at": ["2025-01-02", "2025-01-03"],
            "discharged_at": [None, None],
            "age": [None, None],
        }
    )
    assert df.schema["discharged_at"] == pl.Null
    out = quiet(utklar.indicators, df)
    assert out.height == 0
    report = utklar.last_exclusions()
    assert report is not None and (report.rows_in, report.open) == (2, 2)
    assert quiet(utklar.census, df, "2025-01-10")["waited_days"].to_list() == [8, 7]


def test_pandas_categorical_with_integer_categories() -> None:
    df = pd.read_csv(io.StringIO(EXPORT))
    df["municipality"] = df["municipality"].astype("category")
    df["care_type"] = df["care_type"].astype("category")
    out = quiet(utklar.indicators, df)
    assert out["episodes"].sum() == 3 and set(out["municipality"]) == {"0880"}


def test_swedish_booleans_as_text() -> None:
    t = pa.table(
        {
            "episode_id": ["a", "b", "c"],
            "municipality": ["0880"] * 3,
            "care_type": ["somatic"] * 3,
            "ready_at": ["2024-12-02T09:00"] * 3,
            "discharged_at": ["2024-12-20"] * 3,
            "sip_required": ["SANT", "SANT", "falskt"],
            "sip_called": ["FALSKT", "SANT", "FALSKT"],
        }
    )
    inv = quiet(utklar.invoice, t, "statutory")
    assert inv.not_billed_counts == {"sip_not_called": 1}
    assert inv.not_billed.column("episode_id").to_pylist() == ["a"]


def test_pyarrow_typed_columns() -> None:
    t = pa.table(
        {
            "episode_id": pa.array([1, 2], pa.int32()),
            "municipality": pa.array([880, 880], pa.uint16()),
            "care_type": pa.array([0, 1], pa.int8()),
            "ready_at": pa.array([pd.Timestamp("2025-03-03 10:00:10")] * 2, pa.timestamp("ns")),
            # Admitted 20 s after ready for row 0: ready before admission, to the second.
            "admitted_at": pa.array(
                [pd.Timestamp("2025-03-03 10:00:30"), pd.Timestamp("2025-03-01")], pa.timestamp("ms")
            ),
            "discharged_at": pa.array([pd.Timestamp("2025-03-04", tz="Europe/Stockholm")] * 2),
        }
    )
    with pytest.warns(utklar.UtklarWarning, match="ready_before_admission: 1"):
        out = utklar.indicators(t)
    assert out.column("episodes").to_pylist() == [1]
    assert out.column("care_type").to_pylist() == ["psychiatric"]


def test_a_warning_names_counts_and_how_to_see_them() -> None:
    t = pa.table(
        {
            "episode_id": ["a", "b", "c"],
            "municipality": ["0880", "0999", "0999"],
            "care_type": ["somatic", "somatic", "dental"],
            "ready_at": ["2025-01-02"] * 3,
            "discharged_at": ["2025-01-04"] * 3,
        }
    )
    with pytest.warns(utklar.UtklarWarning) as w:
        utklar.indicators(t)
    message = str(w[0].message)
    assert "2 of 3 rows excluded" in message and "unknown_municipality: 2" in message
    assert "last_exclusions()" in message
    assert issubclass(utklar.UtklarWarning, UserWarning)
    # validate lists problems: it does not warn.
    quiet(utklar.validate, t)


def test_none_usable_warns_loudly_or_raises_in_strict_mode() -> None:
    t = pa.table(
        {
            "episode_id": ["a", "b"],
            "municipality": ["0999", "0999"],
            "care_type": ["somatic", "somatic"],
            "ready_at": ["2025-01-02"] * 2,
        }
    )
    with pytest.warns(utklar.UtklarWarning, match="NONE of the 2 rows could be used"):
        out = utklar.indicators(t)
    assert out.num_rows == 0
    with pytest.raises(utklar.InvalidRowsError):
        utklar.indicators(t, strict=True)
    with pytest.warns(utklar.UtklarWarning, match="NONE"):
        utklar.invoice(t, "statutory")


def test_warnings_point_at_the_callers_line(tmp_path: pathlib.Path) -> None:
    # A notebook shows the file and line a warning is attributed to: the user's call, not a
    # wrapper inside the package, whichever public function warns.
    t = pa.table({
        "episode_id": ["a", "b"],
        "municipality": ["0880", "9999"],
        "care_type": ["somatic", "somatic"],
        "ready_at": ["2025-01-02", "2025-01-02"],
        "discharged_at": ["2025-01-05", "2025-01-05"],
    })
    csv = tmp_path / "export.csv"
    pa.csv.write_csv(t, csv)
    calls: dict[str, Callable[[], object]] = {
        "read_episodes": lambda: utklar.read_episodes(csv),
        "indicators": lambda: utklar.indicators(t),
        "census": lambda: utklar.census(t, on="2025-01-03"),
        "invoice": lambda: utklar.invoice(t, "statutory"),
        "compare": lambda: utklar.compare(t, ["statutory", "kalmar"]),
        "sweep": lambda: utklar.sweep(t, "kalmar", thresholds=[1.0]),
        "readmissions": lambda: utklar.readmissions(t),
        "persons": lambda: utklar.persons(t),
        "accuracy": lambda: utklar.accuracy(t),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        ours = [w for w in caught if issubclass(w.category, utklar.UtklarWarning)]
        assert len(ours) == 1, name
        assert ours[0].filename == __file__, (name, ours[0].filename)
        assert "unknown_municipality: 1" in str(ours[0].message), name
