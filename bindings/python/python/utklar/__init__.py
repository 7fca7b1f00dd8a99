"""utklar: indicators and municipal payments for Swedish hospital patients ready for discharge.

Give it the episode table you already have -- a pandas, polars or pyarrow table with the
columns of SPEC section 3 -- and get a table of the same library back::

    >>> import pyarrow as pa, utklar
    >>> episodes = pa.table({
    ...     "episode_id": ["e1", "e2", "e3"],
    ...     "municipality": ["0880", "0880", "0880"],
    ...     "care_type": ["somatic", "somatic", "somatic"],
    ...     "ready_at": ["2025-03-03", "2025-03-10T14:00", "2025-03-20"],
    ...     "discharged_at": ["2025-03-03", "2025-03-14", "2025-03-19"],
    ... })
    >>> result = utklar.indicators(episodes)
    >>> result.select(["municipality", "period", "episodes", "day0", "mean_days"]).to_pylist()
    [{'municipality': '0880', 'period': '2025-03', 'episodes': 2, 'day0': 1, 'mean_days': 4.0}]
    >>> utklar.last_exclusions().by_reason   # e3 was discharged before it was ready
    {'negative_days': 1}

Every computation happens in the Rust core (``utklar-core``); this package converts tables and
errors. Tables are read through the Arrow PyCapsule interface (``__arrow_c_stream__``) in
slices, without converting rows to Python objects and without copying the table, and the GIL
is released while the core works.

Errors derive from :class:`UtklarError`, one class per kind of error of the core.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import _utklar
from ._tables import check_library, library_of, to_library
from ._utklar import (
    AgreementError,
    InvalidArgumentError,
    InvalidRowsError,
    MissingAmountError,
    UnknownCountyError,
    UnknownMunicipalityError,
    UnknownPresetError,
    UtklarError,
)

__version__: str = _utklar.__version__

#: Alias of :class:`InvalidRowsError`: rows failed validation.
ValidationError = InvalidRowsError

__all__ = [
    "AgreementError",
    "ExclusionReport",
    "InvalidArgumentError",
    "InvalidRowsError",
    "MissingAmountError",
    "Problem",
    "UnknownCountyError",
    "UnknownMunicipalityError",
    "UnknownPresetError",
    "UtklarError",
    "ValidationError",
    "census",
    "indicators",
    "last_exclusions",
    "municipalities",
    "synth",
    "validate",
    "__version__",
]


class Problem(NamedTuple):
    """One problem with one input row: its 0-based row, the column, and the reason."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ExclusionReport:
    """What happened to every input row of a call (SPEC section 8: nothing is dropped silently).

    ``rows_in == counted + open + outside_age + excluded`` always. ``by_reason`` counts the
    excluded rows by their first problem; ``problems`` lists every problem found, with row and
    column.

    >>> r = ExclusionReport(rows_in=3, counted=2, open=0, outside_age=0, excluded=1,
    ...                     by_reason={"negative_days": 1},
    ...                     problems=[Problem(2, "discharged_at", "negative_days")])
    >>> r.balances()
    True
    """

    rows_in: int
    counted: int
    open: int
    outside_age: int
    excluded: int
    by_reason: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def balances(self) -> bool:
        """Whether every row is accounted for."""
        return self.rows_in == self.counted + self.open + self.outside_age + self.excluded

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what pyarrow results carry as schema metadata)."""
        return {
            "rows_in": self.rows_in,
            "counted": self.counted,
            "open": self.open,
            "outside_age": self.outside_age,
            "excluded": self.excluded,
            "by_reason": dict(self.by_reason),
            "problems": [list(p) for p in self.problems],
        }

    @classmethod
    def _of(cls, d: dict[str, Any]) -> ExclusionReport:
        return cls(
            rows_in=d["rows_in"],
            counted=d["counted"],
            open=d["open"],
            outside_age=d["outside_age"],
            excluded=d["excluded"],
            by_reason=dict(d["by_reason"]),
            problems=[Problem(*p) for p in d["problems"]],
        )


_LAST: contextvars.ContextVar[ExclusionReport | None] = contextvars.ContextVar(
    "utklar_last_exclusions", default=None
)


def last_exclusions() -> ExclusionReport | None:
    """The exclusion report of the last call in this thread (or asyncio task), or None.

    pandas results carry it as a dict in ``df.attrs["utklar_exclusions"]``, pyarrow results
    in their schema metadata (``utklar.exclusions``, JSON); polars frames have no place for
    it, so this accessor is the way for every library.

    >>> import polars as pl, utklar
    >>> df = pl.DataFrame({"episode_id": ["a", "b"], "municipality": ["0880", "9999"],
    ...                    "care_type": ["somatic", "somatic"],
    ...                    "ready_at": ["2025-01-02", "2025-01-02"],
    ...                    "discharged_at": ["2025-01-04", "2025-01-04"]})
    >>> _ = utklar.indicators(df)
    >>> report = utklar.last_exclusions()
    >>> report.rows_in, report.counted, report.problems
    (2, 1, [Problem(row=1, column='municipality', reason='unknown_municipality')])
    """
    return _LAST.get()


def _remember(d: dict[str, Any]) -> ExclusionReport:
    report = ExclusionReport._of(d)
    _LAST.set(report)
    return report


def indicators(
    episodes: Any,
    *,
    period: str = "month",
    by: str = "municipality",
    negative_days: str = "exclude",
    population: Any = None,
    beds: Any = None,
    strict: bool = False,
    min_age: int | None = None,
) -> Any:
    """The national indicators per group, care type and period (SPEC sections 5-6).

    Args:
        episodes: a pyarrow Table, polars DataFrame or pandas DataFrame with the columns of
            SPEC section 3 (``episode_id``, ``municipality``, ``care_type``, ``ready_at``
            required; ``discharged_at``, ``admitted_at``, ``age``... optional). Dates may be
            Arrow dates, naive timestamps (Swedish local time), zoned timestamps (converted to
            Swedish local time) or ISO text; municipalities text (``"0880"``) or integers
            (``880``); care types ``somatic``/``psychiatric`` or 0/1.
        period: ``"month"``, ``"quarter"`` or ``"year"``; an episode belongs to the period of
            its discharge date.
        by: ``"municipality"``, ``"county"`` or ``"nation"``.
        negative_days: discharge before the ready date: ``"exclude"`` (reported),
            ``"day0"`` (counted as day 0) or ``"error"`` (raises :class:`InvalidRowsError`).
        population: ``"builtin"`` (SCB, 30 Sep 2022) or a table with ``municipality, year,
            pop_total, pop_65plus``; needed for ``days_per_1000``.
        beds: a table with ``county, period, available_beds``; needed for ``bed_share_pct``
            (county level only).
        strict: raise :class:`InvalidRowsError` listing every bad row instead of excluding.
        min_age: only episodes of patients at least this old (SKR used 65 for 2014-2016).

    Returns:
        A table of the caller's library with the columns ``municipality`` (or ``county``;
        none for the nation), ``care_type``, ``period``, ``episodes``, ``day0``,
        ``ready_ge1``, ``ready_days``, ``goal_attainment``, ``mean_days``,
        ``mean_days_incl_day0``, ``days_per_1000``, ``occupied_beds``, ``bed_share_pct``. A
        value that cannot be computed is null (NaN in pandas), never 0. The exclusion
        report is attached (see :func:`last_exclusions`).

    Unlike :func:`validate`, this fast path does not check that episode ids are unique.

    >>> import pandas as pd, utklar
    >>> df = pd.DataFrame({
    ...     "episode_id": ["e1", "e2", "e3"],
    ...     "municipality": ["0880", "0880", "0840"],
    ...     "care_type": ["somatic", "somatic", "somatic"],
    ...     "ready_at": pd.to_datetime(["2025-03-03 10:00", "2025-03-10 14:00", "2025-03-20 09:00"]),
    ...     "discharged_at": pd.to_datetime(["2025-03-03", "2025-03-14", None]),
    ... })
    >>> out = utklar.indicators(df, by="county", population="builtin")
    >>> out[["county", "period", "episodes", "goal_attainment", "mean_days_incl_day0"]]
      county   period  episodes  goal_attainment  mean_days_incl_day0
    0     08  2025-03         2              0.5                  2.0
    >>> out.attrs["utklar_exclusions"]["open"]   # e3 is still in hospital
    1
    >>> utklar.indicators(df, period="week")
    Traceback (most recent call last):
    ...
    utklar.InvalidArgumentError: period: "week" is not a period: use month, quarter or year
    """
    library = library_of(episodes)
    table, report = _utklar.indicators(
        episodes,
        period=period,
        by=by,
        negative_days=negative_days,
        population=population,
        beds=beds,
        strict=strict,
        min_age=min_age,
    )
    return to_library(table, library, _remember(report))


def validate(episodes: Any, *, negative_days: str = "exclude") -> Any:
    """Every problem of every row (SPEC section 8), as a table of the caller's library.

    Columns: ``row`` (0-based), ``column``, ``reason``, ``hint`` (how to fix it). An empty
    table means the episodes are clean. Checks every cell with the core's parsers, dates in
    1990-2100, known municipality codes and care types, discharge and ready notice not before
    admission, unique ``episode_id``, and negative days unless ``negative_days="day0"``.

    >>> import polars as pl, utklar
    >>> df = pl.DataFrame({
    ...     "episode_id": ["e1", "e1", "e3"],
    ...     "municipality": ["0880", "0880", "880"],
    ...     "care_type": ["somatic", "dental", "psychiatric"],
    ...     "ready_at": ["2025-03-03", "2025-03-10", "2025-02-30"],
    ... })
    >>> utklar.validate(df).select(["row", "column", "reason"]).rows()
    [(1, 'care_type', 'unknown_care_type'), (2, 'ready_at', 'unparseable_date')]
    """
    library = library_of(episodes)
    table, _rows = _utklar.validate_rows(episodes, negative_days=negative_days)
    return to_library(table, library)


def census(episodes: Any, on: _dt.date | str) -> Any:
    """The patients ready and not yet discharged on date ``on`` (SPEC section 5).

    Columns: ``row``, ``episode_id``, ``municipality``, ``care_type``, ``ready_date``,
    ``waited_days`` (``on`` minus the ready date). Rows that cannot be read are left out and
    reported (see :func:`last_exclusions`).

    >>> import pyarrow as pa, datetime, utklar
    >>> t = pa.table({"episode_id": ["a", "b"], "municipality": ["0880", "0880"],
    ...               "care_type": ["somatic", "somatic"],
    ...               "ready_at": [datetime.date(2025, 1, 2), datetime.date(2025, 1, 5)],
    ...               "discharged_at": [None, datetime.date(2025, 1, 6)]})
    >>> utklar.census(t, on="2025-01-10").select(["episode_id", "waited_days"]).to_pylist()
    [{'episode_id': 'a', 'waited_days': 8}]
    """
    if isinstance(on, str):
        try:
            on = _dt.date.fromisoformat(on)
        except ValueError:
            raise InvalidArgumentError(f"on: {on!r} is not a date: use YYYY-MM-DD") from None
    elif isinstance(on, _dt.datetime):
        on = on.date()
    library = library_of(episodes)
    table, report = _utklar.census(episodes, on)
    return to_library(table, library, _remember(report))


def synth(
    *,
    year: int = 2025,
    months: int = 12,
    episodes: int = 0,
    county: str | None = None,
    municipalities: list[str] | None = None,
    seed: int = 2025,
    open_share: float = 0.01,
    negative_share: float = 0.003,
    library: str = "pyarrow",
) -> Any:
    """Generated, reproducible episodes with the SPEC section 3 columns.

    Volumes follow the 65+ population; about 60 % are discharged on day 0; some negative days
    and open episodes are included. ``episodes=0`` gives the realistic volume of the chosen
    municipalities (``county="08"`` for Kalmar län; all 290 by default) over ``months``.
    Datetimes are naive timestamps in Swedish local time (a notice whose time of day the
    generator left unknown shows as midnight).

    >>> import utklar
    >>> df = utklar.synth(county="08", episodes=1000, library="polars")
    >>> df.height, df["municipality"].str.slice(0, 2).unique().to_list()
    (1000, ['08'])
    """
    lib = check_library(library)
    table = _utklar.synth_episodes(
        year=year,
        months=months,
        episodes=episodes,
        county=county,
        municipalities=municipalities,
        seed=seed,
        open_share=open_share,
        negative_share=negative_share,
    )
    return to_library(table, lib)


def municipalities(library: str = "pyarrow") -> Any:
    """The 290 municipalities: ``municipality`` code, ``name``, ``county``, ``county_name``.

    Join it to a result for names:

    >>> import utklar
    >>> m = utklar.municipalities(library="pandas")
    >>> m[m.municipality == "0880"].name.item()
    'Kalmar'
    """
    return to_library(_utklar.municipalities(), check_library(library))
