"""utklar: indicators and municipal payments for Swedish hospital patients ready for discharge.

Give it the episode table you already have -- a pandas, polars or pyarrow table with the
columns of docs/episodes.md -- and get a table of the same library back::

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
import functools
import json
import os
import re
import sys
import warnings
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, TypeVar

from . import _utklar
from ._tables import check_library, library_of, source, to_library
from ._utklar import (
    Agreement,
    AgreementError,
    AmountOverflowError,
    InvalidArgumentError,
    InvalidRowsError,
    MissingAmountError,
    PersonalDataError,
    Report,
    UnknownCountyError,
    UnknownMunicipalityError,
    UnknownPresetError,
    UtklarError,
)

__version__: str = _utklar.__version__

_F = TypeVar("_F", bound=Callable[..., Any])


def _utklar_errors(f: _F) -> _F:
    """Every error of a public function is a :class:`UtklarError`: Python's own
    ``OverflowError`` for an integer argument out of range and pyarrow's conversion errors (a
    column of mixed types) become an :class:`InvalidArgumentError` (also a ``ValueError``),
    whose message names the argument or column but never repeats a cell's content."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except UtklarError:
            raise
        except OverflowError:
            err = InvalidArgumentError(
                f"{f.__name__}: a whole-number argument is out of range (too large, or negative where it cannot be)"
            )
            err.name = f.__name__
            raise err from None
        except Exception as e:
            if type(e).__module__.split(".")[0] != "pyarrow":
                raise
            found = re.search(r"column ([^ ]+) with type", str(e))
            column = found.group(1) if found else "episodes"
            err = InvalidArgumentError(
                f"{column}: the column cannot be read as one Arrow type (mixed values, such as text "
                "and numbers in one object column?); convert it to a single type first"
            )
            err.name = column
            raise err from None

    return wrapper  # type: ignore[return-value]


#: Alias of :class:`InvalidRowsError`: rows failed validation.
ValidationError = InvalidRowsError

__all__ = [
    "Agreement",
    "AgreementError",
    "AmountOverflowError",
    "ExclusionReport",
    "InvalidArgumentError",
    "InvalidRowsError",
    "MissingAmountError",
    "PersonalDataError",
    "Problem",
    "UnknownCountyError",
    "UnknownMunicipalityError",
    "UnknownPresetError",
    "UtklarError",
    "UtklarWarning",
    "ValidationError",
    "Invoice",
    "MissingDependencyError",
    "accuracy",
    "amounts",
    "Report",
    "census",
    "counties",
    "compare",
    "explain",
    "indicators",
    "invoice",
    "last_exclusions",
    "municipalities",
    "persons",
    "plot",
    "read_episodes",
    "readmissions",
    "report",
    "sweep",
    "synth",
    "validate",
    "__version__",
]


class UtklarWarning(UserWarning):
    """Rows of a call were excluded as bad data.

    The message gives the counts by reason; :func:`last_exclusions` (and the report attached
    to the result) lists every row with its problems, :func:`validate` gives each a hint.
    When rows were given and none could be used the message says so first. Silence it with
    ``warnings.simplefilter("ignore", utklar.UtklarWarning)``, or make it an error with
    ``"error"``; ``strict=True`` raises :class:`InvalidRowsError` instead.

    >>> import warnings, pyarrow as pa, utklar
    >>> t = pa.table({"episode_id": ["a", "b"], "municipality": ["0880", "0999"],
    ...               "care_type": ["somatic", "somatic"], "ready_at": ["2025-01-02"] * 2,
    ...               "discharged_at": ["2025-01-04"] * 2})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _ = utklar.indicators(t)
    >>> print(w[0].message)
    utklar: 1 of 2 rows excluded as bad data (unknown_municipality: 1); utklar.last_exclusions() lists each row and its problems, utklar.validate(episodes) gives a hint for each
    """


class Problem(NamedTuple):
    """One problem with one input row: its 0-based row, the column, and the reason."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ExclusionReport:
    """What happened to every input row of a call (nothing is dropped silently: docs/bad-input.md).

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
        """Whether every row is accounted for.

        >>> ExclusionReport(rows_in=2, counted=1, open=0, outside_age=0, excluded=0).balances()
        False
        """
        return self.rows_in == self.counted + self.open + self.outside_age + self.excluded

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what pandas and pyarrow results carry).

        >>> ExclusionReport(1, 1, 0, 0, 0).to_dict()["counted"]
        1
        """
        return self._dict([list(p) for p in self.problems])

    def _dict(self, problems: list[Any]) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            "counted": self.counted,
            "open": self.open,
            "outside_age": self.outside_age,
            "excluded": self.excluded,
            "by_reason": dict(self.by_reason),
            "problems": problems,
        }

    def _json(self) -> str:
        """``json.dumps(self.to_dict())``; the problems (tuples) are written as arrays as they are."""
        return json.dumps(self._dict(self.problems))

    @classmethod
    def _of(cls, d: dict[str, Any]) -> ExclusionReport:
        return cls(
            rows_in=d["rows_in"],
            counted=d["counted"],
            open=d["open"],
            outside_age=d["outside_age"],
            excluded=d["excluded"],
            by_reason=dict(d["by_reason"]),
            problems=list(map(Problem._make, d["problems"])),
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
    if report.excluded > 0:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in report.by_reason.items())
        how = (
            "utklar.last_exclusions() lists each row and its problems, "
            "utklar.validate(episodes) gives a hint for each"
        )
        if report.excluded == report.rows_in:
            message = (
                f"utklar: NONE of the {report.rows_in:,} rows could be used: all were excluded "
                f"as bad data ({reasons}); the result is empty. {how}"
            )
        else:
            message = (
                f"utklar: {report.excluded:,} of {report.rows_in:,} rows excluded as bad data "
                f"({reasons}); {how}"
            )
        # Attributed to the user's line that called the public function.
        warnings.warn(message, UtklarWarning, stacklevel=_outside_stacklevel())
    return report


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _outside_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside this package, for a ``warnings.warn``
    in the function that calls this one: public functions reach the warning through wrappers
    and helpers, at different depths."""
    frame = sys._getframe(1)  # the function that will call warnings.warn: level 1
    level = 1
    while frame.f_back is not None and _in_package(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    return level


def _in_package(filename: str) -> bool:
    d = os.path.dirname(os.path.abspath(filename))
    return d == _PACKAGE_DIR or d.startswith(_PACKAGE_DIR + os.sep)


@_utklar_errors
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
    suppress_below: int | None = None,
    allow_personal_ids: bool = False,
    also_by: list[str] | None = None,
) -> Any:
    """The national indicators per group, care type and period (docs/counting.md, docs/indicators.md).

    Args:
        episodes: a pyarrow Table, polars DataFrame or pandas DataFrame with the columns of
            docs/episodes.md (``episode_id``, ``municipality``, ``care_type``, ``ready_at``
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
        min_age: only episodes of patients at least this old, 0-150 (SKR used 65 for
            2014-2016).
        suppress_below: small-cell suppression for publishing (``k`` >= 2): every row with 1
            to ``k - 1`` episodes has its measures and indicators null, and so has the
            next-smallest row of its group when it is the group's only one (docs/indicators.md).
            The table then has a ``suppressed`` column.
        allow_personal_ids: read tables whose ``episode_id`` or ``patient_id`` values look like
            Swedish personal identity numbers (personnummer, samordningsnummer). By default
            such a table is refused with :class:`PersonalDataError`, naming the column and how
            many values, never a value: use pseudonymous ids.
        also_by: columns of the table to group by too, beside ``by`` (``["hospital"]``): one
            row per group, combination of their values, care type and period, with a column
            of each name after the group's. Their values are read like ids (text trimmed;
            null is its own value) and refused like ids when they look like personal identity
            numbers. With ``suppress_below`` the parts of a group are suppressed so: a
            small part, and the next-smallest part of its group when it is the only one.

    Returns:
        A table of the caller's library with the columns ``municipality`` (or ``county``;
        none for the nation), ``care_type``, ``period``, ``episodes``, ``day0``,
        ``ready_ge1``, ``ready_days``, ``goal_attainment``, ``mean_days``,
        ``mean_days_incl_day0``, ``days_per_1000``, ``occupied_beds``, ``bed_share_pct`` (and
        ``suppressed`` with ``suppress_below``). A value that cannot be computed is null (NaN in pandas), never 0. The exclusion
        report is attached (see :func:`last_exclusions`).

    Every row goes through the same checks as :func:`validate` and the command line,
    repeated ``episode_id`` values included. When rows are excluded, a
    :class:`UtklarWarning` gives the counts by reason.

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
    >>> utklar.indicators(df, suppress_below=2)[["municipality", "episodes", "suppressed"]]
      municipality  episodes  suppressed
    0         0880         2       False
    >>> utklar.indicators(df, suppress_below=3)[["episodes", "mean_days", "suppressed"]]
       episodes  mean_days  suppressed
    0       NaN        NaN        True
    >>> utklar.indicators(df.assign(episode_id=["19121212-1212", "e2", "e3"]))
    Traceback (most recent call last):
    ...
    utklar.PersonalDataError: ...
    >>> utklar.indicators(df, period="week")
    Traceback (most recent call last):
    ...
    utklar.InvalidArgumentError: period: "week" is not a period: use month, quarter or year
    """
    library = library_of(episodes)
    if also_by:
        table, report = _utklar.indicators_also_by(
            source(episodes),
            list(also_by),
            period=period,
            by=by,
            negative_days=negative_days,
            population=population,
            beds=beds,
            strict=strict,
            min_age=min_age,
            suppress_below=suppress_below,
            allow_personal_ids=allow_personal_ids,
        )
        return to_library(table, library, _remember(report), report.get("json"))
    table, report = _utklar.indicators(
        source(episodes),
        period=period,
        by=by,
        negative_days=negative_days,
        population=population,
        beds=beds,
        strict=strict,
        min_age=min_age,
        suppress_below=suppress_below,
        allow_personal_ids=allow_personal_ids,
    )
    return to_library(table, library, _remember(report), report.get("json"))


@_utklar_errors
def validate(episodes: Any, *, negative_days: str = "exclude", allow_personal_ids: bool = False) -> Any:
    """Every problem of every row (docs/bad-input.md), as a table of the caller's library.

    Columns: ``row`` (0-based), ``column``, ``reason``, ``hint`` (how to fix it). An empty
    table means the episodes are clean. Checks every cell with the core's parsers, dates in
    1990-2100, known municipality codes and care types, discharge and ready notice not before
    admission, unique ``episode_id``, and negative days unless ``negative_days="day0"``.
    Ids that look like personal identity numbers raise :class:`PersonalDataError` unless
    ``allow_personal_ids=True`` (see :func:`indicators`).

    >>> import polars as pl, utklar
    >>> df = pl.DataFrame({
    ...     "episode_id": ["e1", "e1", "e3"],
    ...     "municipality": ["0880", "0880", "880"],
    ...     "care_type": ["somatic", "dental", "psychiatric"],
    ...     "ready_at": ["2025-03-03", "2025-03-10", "2025-02-30"],
    ... })
    >>> utklar.validate(df).select(["row", "column", "reason"]).rows()
    [(1, 'care_type', 'unknown_care_type'), (1, 'episode_id', 'duplicate_episode_id'), (2, 'ready_at', 'unparseable_date')]
    """
    library = library_of(episodes)
    table, _rows = _utklar.validate_rows(
        source(episodes), negative_days=negative_days, allow_personal_ids=allow_personal_ids
    )
    return to_library(table, library)


@_utklar_errors
def census(episodes: Any, on: _dt.date | str, *, allow_personal_ids: bool = False) -> Any:
    """The patients ready and not yet discharged on date ``on`` (docs/counting.md).

    Columns: ``row``, ``episode_id``, ``municipality``, ``care_type``, ``ready_date``,
    ``waited_days`` (``on`` minus the ready date). Rows that cannot be read are left out and
    reported (see :func:`last_exclusions`). Ids that look like personal identity numbers
    raise :class:`PersonalDataError` unless ``allow_personal_ids=True`` (see :func:`indicators`).

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
    table, report = _utklar.census(source(episodes), on, allow_personal_ids=allow_personal_ids)
    return to_library(table, library, _remember(report), report.get("json"))


def _require(library: str, function: str) -> None:
    """Fails with a message saying what to install when ``library`` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(library) is None:
        raise ModuleNotFoundError(
            f"utklar.{function}(library={library!r}) returns a {library} table, and {library} "
            f"is not installed: pip install {library}",
            name=library,
        )


@_utklar_errors
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
    """Generated, reproducible episodes with the columns of docs/episodes.md.

    Volumes follow the 65+ population; about 60 % are discharged on day 0; some negative days
    and open episodes are included. ``episodes=0`` gives the realistic volume of the chosen
    municipalities (``county="08"`` or ``county="Kalmar"`` for Kalmar län; ``municipalities``
    by code or name; all 290 by default) over ``months`` (1–120, from January of ``year``,
    1991–2100, and not past December 2100); the shares are 0–1.
    Datetimes are naive timestamps in Swedish local time (a notice whose time of day the
    generator left unknown shows as midnight).

    >>> import utklar
    >>> df = utklar.synth(county="08", episodes=1000, library="polars")
    >>> df.height, df["municipality"].str.slice(0, 2).unique().to_list()
    (1000, ['08'])
    """
    lib = check_library(library)
    _require(lib, "synth")
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


@_utklar_errors
def municipalities(library: str = "pyarrow") -> Any:
    """The 290 municipalities: ``municipality`` code, ``name``, ``county``, ``county_name``.

    Join it to a result for names:

    >>> import utklar
    >>> m = utklar.municipalities(library="pandas")
    >>> m[m.municipality == "0880"].name.item()
    'Kalmar'
    """
    return to_library(_utklar.municipalities(), check_library(library))


@dataclass(frozen=True)
class Invoice:
    """An invoice (docs/payments.md): what each episode is billed, the totals per municipality
    and period with their evaluation, and every episode not billed with its reason.

    ``lines``, ``totals`` and ``not_billed`` are tables of the caller's library:

    - ``lines``: ``row``, ``episode_id``, ``municipality``, ``care_type``, ``period``,
      ``billed_days``, ``amount_ore``, ``rule`` (one line per billed episode; under an
      ``excess_over_threshold`` basis one line per municipality and period, without
      ``row``/``episode_id``);
    - ``totals``: ``municipality``, ``care_type``, ``period``, ``billed_days``,
      ``amount_ore``, ``mean_days``, ``threshold``, ``triggered``, ``episodes``;
    - ``not_billed``: ``row``, ``episode_id``, ``reason`` (``within_grace``,
      ``average_not_exceeded``, ``open``, ``missing_admission_notice``, ``sip_not_called``,
      ``region_blocked``, bad data such as ``negative_days``, and ``invalid_row`` for a row
      that could not be read, whose problems :func:`last_exclusions` lists).

    Money is integer öre (1 kr = 100 öre). ``billed_episodes + sum(not_billed_counts.values())
    == episodes_in`` always.

    >>> import polars as pl, utklar
    >>> eps = utklar.synth(county="08", year=2024, episodes=2000, library="polars")
    >>> inv = utklar.invoice(eps, "kalmar", amounts={2023: 10500})
    >>> inv.balances(), inv.lines["amount_ore"].sum() == inv.amount_ore
    (True, True)
    >>> inv.totals.columns
    ['municipality', 'care_type', 'period', 'billed_days', 'amount_ore', 'mean_days', 'threshold', 'triggered', 'episodes']
    """

    agreement: str
    lines: Any
    totals: Any
    not_billed: Any
    episodes_in: int
    amount_ore: int
    billed_days: float
    billed_episodes: int
    not_billed_counts: dict[str, int]

    def balances(self) -> bool:
        """Whether every episode is billed or not billed with a reason (see the class example)."""
        return self.billed_episodes + sum(self.not_billed_counts.values()) == self.episodes_in


@_utklar_errors
def invoice(
    episodes: Any,
    agreement: Agreement | str,
    *,
    amounts: dict[int, Any] | None = None,
    allow_personal_ids: bool = False,
) -> Invoice:
    """The invoice of an agreement over an episode table (docs/payments.md).

    Args:
        episodes: a pyarrow, polars or pandas table with the columns of docs/episodes.md (the law's
            preconditions come from ``admission_notice_sent``, ``sip_required``,
            ``sip_called`` and ``region_blocked``; times of day matter for the noon rule).
        agreement: an :class:`Agreement` or a preset name (``"statutory"``, ``"kalmar"``...).
        amounts: kronor per care day by year, on top of the sourced national amounts (2019,
            2020, 2022, 2024): ``{2025: 10900}`` or ``{2025: "10900.50"}``. A billed day in a
            year without an amount raises :class:`MissingAmountError` naming the year.
        allow_personal_ids: read tables whose ``episode_id`` or ``patient_id`` values look like
            Swedish personal identity numbers (personnummer, samordningsnummer). By default
            such a table is refused with :class:`PersonalDataError`, naming the column and how
            many values, never a value: use pseudonymous ids.

    Returns:
        An :class:`Invoice` whose tables are of the caller's library.

    >>> import pyarrow as pa, utklar
    >>> t = pa.table({
    ...     "episode_id": ["a", "b", "c"],
    ...     "municipality": ["0880", "0880", "0880"],
    ...     "care_type": ["somatic", "somatic", "somatic"],
    ...     "ready_at": ["2024-12-02T09:30", "2024-12-02T12:00:01", "2024-12-20"],
    ...     "discharged_at": ["2024-12-10", "2024-12-06", None],
    ... })
    >>> inv = utklar.invoice(t, "statutory")
    >>> inv.lines.select(["episode_id", "billed_days", "amount_ore", "rule"]).to_pylist()
    [{'episode_id': 'a', 'billed_days': 5.0, 'amount_ore': 5800000, 'rule': 'individual'}]
    >>> inv.not_billed_counts, inv.balances()
    ({'open': 1, 'within_grace': 1}, True)
    >>> utklar.invoice(t.set_column(3, "ready_at", pa.array(["2025-01-02"] * 3)).set_column(
    ...     4, "discharged_at", pa.array(["2025-01-09"] * 3)).set_column(0, "episode_id", pa.array(["x", "y", "z"])),
    ...     "statutory")
    Traceback (most recent call last):
    ...
    utklar.MissingAmountError: no national amount per care day for 2025: sourced amounts exist for 2019, 2020, 2022 and 2024; give the amount per care day for 2025 with the call's amounts (amounts={2025: KRONOR})
    """
    library = library_of(episodes)
    lines, totals, not_billed, summary, report = _utklar.invoice(
        source(episodes), agreement, amounts=amounts, allow_personal_ids=allow_personal_ids
    )
    rep = _remember(report)
    return Invoice(
        agreement=summary["agreement"],
        lines=to_library(lines, library),
        totals=to_library(totals, library),
        not_billed=to_library(not_billed, library, rep),
        episodes_in=summary["episodes_in"],
        amount_ore=summary["amount_ore"],
        billed_days=summary["billed_days"],
        billed_episodes=summary["billed_episodes"],
        not_billed_counts=dict(summary["not_billed"]),
    )


@_utklar_errors
def report(
    episodes: Any,
    county: str | int,
    *,
    month: str | None = None,
    agreement: Agreement | str | None = None,
    amounts: dict[int, Any] | None = None,
    population: Any | None = None,
    lang: str = "sv",
    suppress_below: int | None = None,
    allow_personal_ids: bool = False,
) -> Report:
    """The county's monthly follow-up report, as ``utklar report`` writes it (docs/report.md).

    One self-contained HTML page: the data read, per care type twelve months of mean ready
    days per municipality against the county's indicator, the month's table per municipality
    and for the county, goal attainment beside the nation's (when the data cover all 21
    counties), the month's invoice under the agreement and the definitions.

    Args:
        episodes: a pyarrow, polars or pandas table with the columns of docs/episodes.md.
        county: the county's code, ``"08"`` or ``8``, or its name, ``"Kalmar"``.
        month: ``"YYYY-MM"``; the latest month with a discharged episode by default. A month
            outside the data raises :class:`InvalidArgumentError` naming it.
        agreement: an :class:`Agreement` or a preset name; by default the county's preset when
            it has one, else ``"statutory"``.
        amounts: kronor per care day by year (as :func:`invoice`). A billed day in a year
            without an amount leaves the page's invoice section saying which year is missing.
        population: a population table or ``"builtin"`` (days per 1 000 inhabitants).
        lang: ``"sv"`` (default) or ``"en"``.
        suppress_below: small-cell suppression of the municipalities' rows.
        allow_personal_ids: as for :func:`indicators`.

    Returns:
        A :class:`Report`: ``html``, ``save(path)``, and it shows inline in Jupyter.

    >>> import utklar
    >>> eps = utklar.synth(county="08", year=2024, episodes=4000)
    >>> r = utklar.report(eps, county="08", month="2024-06", amounts={2023: 11600})
    >>> r.month, r.agreement, r.html.startswith("<!DOCTYPE html>")
    ('2024-06', 'kalmar', True)
    >>> "Kalmar län juni 2024" in r.html, r._repr_html_().startswith("<iframe")
    (True, True)
    """
    return _utklar.report(
        source(episodes),
        county,
        month=month,
        agreement=agreement,
        amounts=amounts,
        population=population,
        lang=lang,
        suppress_below=suppress_below,
        allow_personal_ids=allow_personal_ids,
    )


@_utklar_errors
def explain(
    episodes: Any,
    agreement: Agreement | str | None = None,
    amounts: dict[int, Any] | None = None,
    *,
    period: str = "month",
    negative_days: str = "exclude",
    min_age: int | None = None,
    allow_personal_ids: bool = False,
) -> Any:
    """One row per input row: how the indicators count it and, under an agreement, why it is
    (or is not) on the invoice (docs/explain.md).

    Columns, a table of the caller's library: ``row`` (the input row, from 0),
    ``episode_id``, ``municipality``, ``care_type``, ``ready_date``, ``discharge_date``
    (dates), ``period`` (where the indicators count it), ``ready_days`` (as the indicators
    count them; for other rows discharge − ready, negative for minusdagar), ``counting``
    (``counted``, ``open``, ``outside_age`` or ``excluded``), ``reason`` (an excluded row's
    first problem); with ``agreement``: ``billing`` (``billed`` on its own line,
    ``period_line`` when its municipality-period is billed as a whole under
    ``average_over_threshold``, ``not_billed``), ``invoice_period``, ``billed_days``,
    ``amount_ore`` (exact öre), ``rule``, ``not_billed`` (the reason), and the
    municipality-period's ``mean_days``, ``threshold`` and ``triggered`` under an average or
    mixed model. Rows that cannot be read are rows here too, with their reason: nothing is
    left out, so no :class:`UtklarWarning`. The counted rows add up to :func:`indicators`;
    the billed amounts plus the period lines add up to :func:`invoice`.

    >>> import pyarrow as pa, utklar
    >>> t = pa.table({
    ...     "episode_id": ["a", "b", "c"],
    ...     "municipality": ["0880", "0880", "0999"],
    ...     "care_type": ["somatic", "somatic", "somatic"],
    ...     "ready_at": ["2024-12-02T09:30", "2024-12-20", "2024-12-02"],
    ...     "discharged_at": ["2024-12-10", None, "2024-12-04"],
    ... })
    >>> x = utklar.explain(t, "statutory")
    >>> x.select(["episode_id", "counting", "reason", "billed_days", "amount_ore", "not_billed"]).to_pylist()
    [{'episode_id': 'a', 'counting': 'counted', 'reason': None, 'billed_days': 5.0, 'amount_ore': 5800000, 'not_billed': None}, {'episode_id': 'b', 'counting': 'open', 'reason': None, 'billed_days': None, 'amount_ore': None, 'not_billed': 'open'}, {'episode_id': 'c', 'counting': 'excluded', 'reason': 'unknown_municipality', 'billed_days': None, 'amount_ore': None, 'not_billed': 'invalid_row'}]
    """
    library = library_of(episodes)
    table, _total = _utklar.explain(
        source(episodes),
        agreement,
        amounts=amounts,
        period=period,
        negative_days=negative_days,
        min_age=min_age,
        allow_personal_ids=allow_personal_ids,
    )
    return to_library(table, library)


@_utklar_errors
def compare(
    episodes: Any,
    agreements: list[Agreement | str] | dict[str, Agreement | str],
    *,
    amounts: dict[int, Any] | None = None,
    allow_personal_ids: bool = False,
) -> Any:
    """Several agreements over the same episodes, side by side (what-if analysis).

    ``agreements`` is a list (each named by its ``name``) or a dict name -> agreement. The
    result, a table of the caller's library, has one row per municipality, care type, period
    and agreement: ``municipality``, ``care_type``, ``period``, ``agreement``,
    ``billed_days``, ``amount_ore``. Periods are the coarsest of the agreements' periods per
    care type, so rows line up. Pivot it for a wide view. Ids that look like personal
    identity numbers raise :class:`PersonalDataError` unless ``allow_personal_ids=True``
    (see :func:`indicators`).

    >>> import polars as pl, utklar
    >>> eps = utklar.synth(county="08", year=2024, episodes=3000, library="polars")
    >>> amounts = {2023: 10500}   # illustrative: stays discharged in January began in 2023
    >>> c = utklar.compare(eps, ["statutory", "kalmar"], amounts=amounts)
    >>> sorted(c["agreement"].unique())
    ['kalmar', 'statutory']
    >>> wide = c.pivot(on="agreement", index=["municipality", "care_type", "period"], values="amount_ore")
    >>> bool((wide["statutory"] >= 0).all())
    True
    """
    library = library_of(episodes)
    table, report = _utklar.compare(
        source(episodes), agreements, amounts=amounts, allow_personal_ids=allow_personal_ids
    )
    return to_library(table, library, _remember(report), report.get("json"))


@_utklar_errors
def sweep(
    episodes: Any,
    agreement: Agreement | str,
    *,
    thresholds: list[float] | tuple[float, ...] = (),
    grace_days: list[int] | tuple[int, ...] = (),
    amounts: dict[int, Any] | None = None,
    by_municipality: bool = False,
    allow_personal_ids: bool = False,
) -> Any:
    """A grid of thresholds x grace days over one agreement: what each variant would bill.

    Each variant sets ``threshold_days`` on every average rule and ``grace_days`` on every
    rule with grace days (an empty list keeps the agreement's own). Every row equals the
    amount :func:`invoice` gives for that variant, computed from per-group histograms, so a
    large grid stays fast. Columns: ``threshold_days``, ``grace_days``, ``billed_days``,
    ``amount_ore``, ``liable_periods``; with ``by_municipality=True`` one row per variant and
    municipality: ``threshold_days``, ``grace_days``, ``municipality``, ``amount_ore``.
    Ids that look like personal identity numbers raise :class:`PersonalDataError` unless
    ``allow_personal_ids=True`` (see :func:`indicators`).

    >>> import pandas as pd, utklar
    >>> eps = utklar.synth(county="08", year=2024, episodes=3000, library="pandas")
    >>> s = utklar.sweep(eps, "kalmar", thresholds=[0.5, 0.8, 1.5], amounts={2023: 10500})
    >>> s[["threshold_days", "liable_periods"]].shape
    (3, 2)
    >>> bool(s["amount_ore"].is_monotonic_decreasing)   # a higher threshold never bills more
    True
    """
    library = library_of(episodes)
    table, report = _utklar.sweep(
        source(episodes),
        agreement,
        thresholds=list(thresholds),
        grace_days=list(grace_days),
        amounts=amounts,
        by_municipality=by_municipality,
        allow_personal_ids=allow_personal_ids,
    )
    return to_library(table, library, _remember(report), report.get("json"))


# The registry, the amounts, the further measures, episode files and plots (their own modules;
# imported last, as they use the helpers above).
from . import plot  # noqa: E402
from ._measures import (  # noqa: E402
    accuracy,
    amounts,
    counties,
    persons,
    read_episodes,
    readmissions,
)
from .plot import MissingDependencyError  # noqa: E402
