"""Shared helpers: the same episode table in each of the three libraries."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

LIBRARIES = ["pyarrow", "polars", "pandas"]


def convert(table: pa.Table, library: str) -> Any:
    """`table` as a table of `library`."""
    if library == "pyarrow":
        return table
    if library == "polars":
        return pl.from_arrow(table)
    return table.to_pandas()


def as_arrow(result: Any) -> pa.Table:
    """A result of any library as a pyarrow table, for comparisons."""
    if isinstance(result, pa.Table):
        return result
    if isinstance(result, pl.DataFrame):
        return result.to_arrow()
    assert isinstance(result, pd.DataFrame)
    return pa.Table.from_pandas(result, preserve_index=False)


def rows(result: Any) -> list[dict[str, Any]]:
    """Result rows as dicts, NaN turned into None so that libraries compare equal."""
    out = []
    for r in as_arrow(result).to_pylist():
        out.append({k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()})
    return out


@pytest.fixture(params=LIBRARIES)
def library(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def small() -> pa.Table:
    """Six episodes in Kalmar (0880) and Nybro (0881), March 2025, with every kind of row."""
    return pa.table(
        {
            "episode_id": ["a", "b", "c", "d", "e", "f"],
            "municipality": ["0880", "0880", "0880", "0881", "0881", "0880"],
            "care_type": ["somatic", "somatic", "psychiatric", "somatic", "somatic", "somatic"],
            "ready_at": [
                "2025-03-03T10:00",
                "2025-03-05T13:00",
                "2025-03-01",
                "2025-03-10",
                "2025-03-12",
                "2025-03-20",
            ],
            "discharged_at": [
                "2025-03-03",
                "2025-03-09",
                "2025-03-04",
                "2025-03-10",
                None,
                "2025-03-18",
            ],
        }
    )
