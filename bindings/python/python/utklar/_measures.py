"""The county registry, the national amounts, the further measures (readmissions, per-person
counts, planned-date accuracy) and episode files read into tables.

Every figure comes from the Rust core; each table has the columns of the command line's csv
output (``utklar presets --counties``, ``utklar amounts``, ``utklar readmissions``,
``utklar accuracy``). Imported into :mod:`utklar`; use them from there.
"""

from __future__ import annotations

import os
from typing import Any

from . import _remember, _require, _utklar, _utklar_errors
from ._tables import check_library, library_of, source, to_library


@_utklar_errors
def counties(library: str = "pyarrow") -> Any:
    """The 21 counties and what is known of their agreements (``utklar presets --counties``).

    Columns: ``county`` (the two-digit code), ``name``, ``model`` (``individual``,
    ``average``, ``mixed``, or ``unknown`` where no source names it), ``preset`` (the preset
    implementing the agreement, for :func:`invoice`; null when there is none) and ``source``
    (or ``"no public source found"``), in code order.

    >>> import utklar
    >>> c = utklar.counties(library="polars")
    >>> c.height, c.columns
    (21, ['county', 'name', 'model', 'preset', 'source'])
    >>> c.filter(c["county"] == "08").select("name", "model", "preset").row(0)
    ('Kalmar län', 'average', 'kalmar')
    """
    lib = check_library(library)
    _require(lib, "counties")
    return to_library(_utklar.counties(), lib)


@_utklar_errors
def amounts(library: str = "pyarrow") -> Any:
    """The sourced national amounts per care day (``utklar amounts``): ``year``, ``ore``
    (integer öre; 1 kr = 100 öre) and ``source`` (the regulation or the official page citing
    it). These are the amounts :func:`invoice` uses; any other year is given with
    ``amounts={YEAR: KRONOR}``.

    >>> import utklar
    >>> a = utklar.amounts(library="pandas")
    >>> int(a.loc[a.year == 2024, "ore"].item())
    1160000
    """
    lib = check_library(library)
    _require(lib, "amounts")
    return to_library(_utklar.amounts(), lib)


@_utklar_errors
def readmissions(
    episodes: Any,
    *,
    by: str = "municipality",
    period: str = "month",
    window: int = _utklar.DEFAULT_READMISSION_WINDOW_DAYS,
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> Any:
    """Readmissions (``utklar readmissions``): the share of counted discharges with a
    ``patient_id`` followed by an admission (``admitted_at``) of the same patient 0 to
    ``window`` days after the discharge date, per group, care type and period of discharge
    (docs/indicators.md).

    Columns: ``group`` (municipality or county code, ``SE`` for the nation), ``care_type``,
    ``period``, ``discharges``, ``readmitted``, ``share`` (null without discharges). Rows that
    cannot be read are left out and reported (:func:`last_exclusions`); ``strict=True`` raises
    :class:`InvalidRowsError` instead. Ids that look like personal identity numbers raise
    :class:`PersonalDataError` unless ``allow_personal_ids=True``.

    >>> import pyarrow as pa, utklar
    >>> t = pa.table({"episode_id": ["a", "b", "c"], "patient_id": ["p1", "p1", "p2"],
    ...               "municipality": ["0880"] * 3, "care_type": ["somatic"] * 3,
    ...               "admitted_at": ["2025-01-01", "2025-01-20", "2025-01-01"],
    ...               "ready_at": ["2025-01-02", "2025-01-21", "2025-01-02"],
    ...               "discharged_at": ["2025-01-03", "2025-01-22", "2025-01-03"]})
    >>> utklar.readmissions(t, by="nation").to_pylist()
    [{'group': 'SE', 'care_type': 'somatic', 'period': '2025-01', 'discharges': 3, 'readmitted': 1, 'share': 0.3333333333333333}]
    """
    library = library_of(episodes)
    table, report = _utklar.readmissions(
        source(episodes),
        by=by,
        period=period,
        window=window,
        strict=strict,
        allow_personal_ids=allow_personal_ids,
    )
    return to_library(table, library, _remember(report), report.get("json"))


@_utklar_errors
def persons(
    episodes: Any,
    *,
    by: str = "municipality",
    period: str = "month",
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> Any:
    """Persons instead of episodes (VGR counts *antal personer*): the distinct ``patient_id``
    values among the counted episodes per group, care type and period of discharge.

    Columns: ``group``, ``care_type``, ``period``, ``episodes`` (counted), ``persons``
    (distinct ids), ``without_patient_id`` (counted episodes without one, not in
    ``persons``). Rows that cannot be read are reported as for :func:`readmissions`.

    >>> import polars as pl, utklar
    >>> df = pl.DataFrame({"episode_id": ["a", "b", "c"], "patient_id": ["p1", "p1", None],
    ...                    "municipality": ["0880"] * 3, "care_type": ["somatic"] * 3,
    ...                    "ready_at": ["2025-01-02"] * 3, "discharged_at": ["2025-01-03"] * 3})
    >>> utklar.persons(df, by="county").select("group", "episodes", "persons", "without_patient_id").row(0)
    ('08', 3, 1, 1)
    """
    library = library_of(episodes)
    table, report = _utklar.persons(
        source(episodes), by=by, period=period, strict=strict, allow_personal_ids=allow_personal_ids
    )
    return to_library(table, library, _remember(report), report.get("json"))


@_utklar_errors
def accuracy(episodes: Any, *, strict: bool = False, allow_personal_ids: bool = False) -> Any:
    """Planned-date accuracy (``utklar accuracy``): how well ``planned_discharge_date``
    (*beräknad tidpunkt för utskrivning*) matched the ready date over the counted episodes that
    carry one. A table of one row: ``episodes``, ``exact_share`` (planned on the ready date),
    ``mean_abs_error_days``, ``bias_days`` (mean of planned − ready date; positive: planned
    too late); the ratios are null over no episodes.

    >>> import pandas as pd, utklar
    >>> df = pd.DataFrame({"episode_id": ["a", "b"], "municipality": ["0880", "0880"],
    ...                    "care_type": ["somatic", "somatic"],
    ...                    "ready_at": pd.to_datetime(["2025-01-02", "2025-01-02"]).date,
    ...                    "discharged_at": pd.to_datetime(["2025-01-03", "2025-01-04"]).date,
    ...                    "planned_discharge_date": pd.to_datetime(["2025-01-02", "2025-01-05"]).date})
    >>> utklar.accuracy(df).to_dict("records")
    [{'episodes': 2, 'exact_share': 0.5, 'mean_abs_error_days': 1.5, 'bias_days': 1.5}]
    """
    library = library_of(episodes)
    table, report = _utklar.accuracy(
        source(episodes), strict=strict, allow_personal_ids=allow_personal_ids
    )
    return to_library(table, library, _remember(report), report.get("json"))


@_utklar_errors
def read_episodes(
    path: str | os.PathLike[str],
    *,
    library: str = "pyarrow",
    sheet: str | None = None,
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> Any:
    """Reads an episode file the way the command line does, into a table of ``library``.

    The file may be CSV (comma, semicolon or tab separated, a byte-order mark, CRLF), a
    gzip-compressed CSV or a spreadsheet (``.xlsx``, ``.ods``, ``.xls``; the first sheet, or
    ``sheet``): its kind is told by its first bytes, not its name. Every cell goes through the
    core's input layer (docs/episodes.md), so the table holds what every other function reads
    from the file, with these types:

    - ``episode_id``, ``patient_id``, ``municipality`` (``"0880"``), ``care_type``
      (``somatic``/``psychiatric``): text;
    - ``admitted_at``, ``ready_at``, ``discharged_at``, ``home_ready_at``: a date column
      (``date32``) when no value in the file has a time of day, a naive timestamp (Swedish
      local time, microseconds) when every value has one, and ISO text (``2025-03-03``,
      ``2025-03-03T14:05:00``) when they are mixed, so that a date without a time stays
      "time unknown" when the table is read back;
    - ``planned_discharge_date``: a date; ``age``: a whole number (int64);
    - ``admission_notice_sent``, ``sip_required``, ``sip_called``, ``region_blocked``:
      booleans, their defaults filled in where the file has none.

    Rows that cannot be read are left out of the table and reported with their data row in the
    file (:func:`last_exclusions`, a :class:`UtklarWarning`); ``strict=True`` raises
    :class:`InvalidRowsError` instead. A file that cannot be read at all (missing, a Parquet
    file, no header, a record of the wrong shape) raises :class:`InvalidArgumentError`
    naming the file and the line; ids that look like personal identity numbers raise
    :class:`PersonalDataError` unless ``allow_personal_ids=True``.

    >>> import pathlib, tempfile, utklar
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text("episode_id;municipality;care_type;ready_at;discharged_at;age\\n"
    ...                     "e1;880;Somatisk;2025-03-03;2025-03-05;81,0\\n")
    >>> t = utklar.read_episodes(path)
    >>> t.select(["municipality", "care_type", "ready_at", "age"]).to_pylist()
    [{'municipality': '0880', 'care_type': 'somatic', 'ready_at': datetime.date(2025, 3, 3), 'age': 81}]
    >>> str(t.schema.field("ready_at").type), str(t.schema.field("admission_notice_sent").type)
    ('date32[day]', 'bool')
    """
    lib = check_library(library)
    _require(lib, "read_episodes")
    table, report = _utklar.read_episodes(
        os.fspath(path), sheet=sheet, strict=strict, allow_personal_ids=allow_personal_ids
    )
    return to_library(table, lib, _remember(report), report.get("json"))
