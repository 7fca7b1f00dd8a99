"""Charts of indicator tables: mean ready days against a county's indicator line, and goal
attainment beside the nation's, as matplotlib Figures.

matplotlib is an optional extra (``pip install utklar[plot]``); without it these functions
raise :class:`MissingDependencyError`. They draw what an indicator table (the result of
:func:`utklar.indicators`, of any table library) holds: nothing is computed here.

>>> import utklar
>>> eps = utklar.synth(county="08", year=2024, episodes=3000, negative_share=0.0, library="polars")
>>> fig = utklar.plot.mean_days(utklar.indicators(eps, by="county"), threshold=0.8)
>>> fig.axes[0].get_title()
'Mean ready days including day 0, somatic care'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._utklar import Agreement, InvalidArgumentError, UtklarError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MissingDependencyError", "goal_attainment", "mean_days"]


class MissingDependencyError(UtklarError, ImportError):
    """An optional dependency of the called function is not installed; the message says what
    to install (``pip install utklar[plot]`` for matplotlib). Also an ``ImportError``."""


def _pyplot(function: str) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            f"utklar.plot.{function} draws with matplotlib, which is not installed: "
            "pip install utklar[plot]",
            name="matplotlib",
        ) from None
    return plt


def _rows(table: Any) -> list[dict[str, Any]]:
    """The rows of a pyarrow, polars or pandas table as dicts, NaN as None."""
    module = type(table).__module__.split(".")[0]
    if module == "polars":
        rows = table.to_dicts()
    elif module == "pandas":
        rows = table.to_dict("records")
    else:
        import pyarrow as pa

        rows = pa.table(table).to_pylist()
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in rows
    ]


def _group_column(rows: list[dict[str, Any]]) -> str | None:
    for name in ("municipality", "county"):
        if rows and name in rows[0]:
            return name
    return None


def _names(column: str | None) -> dict[str, str]:
    """Codes to names for the legend: municipalities, counties, the nation."""
    from . import municipalities

    names = {"SE": "nation"}
    if column is None:
        return names
    for m in municipalities().to_pylist():
        if column == "municipality":
            names[m["municipality"]] = m["name"]
        else:
            names[m["county"]] = m["county_name"]
    return names


def _filter(rows: list[dict[str, Any]], value: str, care_type: str | None, what: str) -> list[dict[str, Any]]:
    if rows and value not in rows[0]:
        raise InvalidArgumentError(
            f"{what}: the table has no column {value!r} (give the result of utklar.indicators)"
        )
    return rows if care_type is None else [r for r in rows if r.get("care_type") == care_type]


def _periods(rows: list[dict[str, Any]]) -> list[str]:
    return sorted({str(r["period"]) for r in rows})


def _series(rows: list[dict[str, Any]], value: str, periods: list[str]) -> dict[str, list[float]]:
    """Per group, the values of ``value`` in ``periods`` (NaN where a group has no row or the
    value is null), groups in code order."""
    column = _group_column(rows)
    at = {p: i for i, p in enumerate(periods)}
    series: dict[str, list[float]] = {}
    for r in rows:
        group = str(r[column]) if column else "SE"
        ys = series.setdefault(group, [math.nan] * len(periods))
        v = r[value]
        ys[at[str(r["period"])]] = math.nan if v is None else float(v)
    return dict(sorted(series.items()))


def _axes(ax: Axes | None, function: str, groups: int) -> tuple[Figure, Axes]:
    plt = _pyplot(function)
    if ax is not None:
        from matplotlib.figure import Figure as _Figure

        fig = ax.figure
        while not isinstance(fig, _Figure):  # axes of a SubFigure: its root Figure
            fig = fig.figure
        return fig, ax
    fig, ax = plt.subplots(figsize=(10, 4.8 if groups <= 12 else 6.4))
    if groups > 10:  # more lines than the default cycle's 10 colours
        from cycler import cycler

        ax.set_prop_cycle(cycler(color=plt.get_cmap("tab20").colors))
    return fig, ax


def _finish(fig: Figure, ax: Axes, periods: list[str], groups: int) -> None:
    ax.set_xticks(range(len(periods)), periods, rotation=45 if len(periods) > 6 else 0)
    ax.set_xlabel("period of discharge")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small", ncol=1 if groups <= 20 else 2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()


def mean_days(
    indicators: Any,
    *,
    threshold: float | str | Agreement | None = "kalmar",
    value: str = "mean_days_incl_day0",
    care_type: str | None = "somatic",
    title: str | None = None,
    ax: Axes | None = None,
    small_multiples: bool = False,
) -> Figure:
    """Mean ready days per period, one line per group, against the indicator line.

    Args:
        indicators: a table from :func:`utklar.indicators` (pyarrow, polars or pandas; by
            municipality, county or nation).
        threshold: the indicator line, drawn dashed and labelled ``indicator 0.8 days``: a
            number of days, or an agreement (a :class:`utklar.Agreement` or a preset name) whose
            average rule's threshold for the care type drawn (somatic when ``care_type`` is
            ``None``) is taken — by default Kalmar's, 0.8 days; none is drawn when that model has
            no threshold, or for ``None``.
        value: the column to plot: ``"mean_days_incl_day0"`` (the mean Kalmar's and VGR's
            agreements compare, day 0 included) or ``"mean_days"`` (the national definition).
        care_type: the care type to draw (``"somatic"``, ``"psychiatric"``), or ``None`` for
            every row (one care type per table then).
        title: the title; by default it names the value and the care type.
        ax: draw into these matplotlib axes instead of a new figure.
        small_multiples: one small chart per group in a grid (shared axes, each with the
            indicator line and the group's name as its title, the figure's title above them),
            readable at 49 municipalities (Västra Götaland) where one chart of 49 lines is not.
            Not with ``ax``.

    Returns:
        The matplotlib Figure.

    >>> import utklar
    >>> eps = utklar.synth(county="08", year=2024, episodes=2000, negative_share=0.0, library="pandas")
    >>> fig = utklar.plot.mean_days(utklar.indicators(eps))   # Kalmar's threshold
    >>> [line.get_ydata()[0] for line in fig.axes[0].lines if line.get_gid() == "threshold"]
    [0.8]
    >>> fig = utklar.plot.mean_days(utklar.indicators(eps), threshold="vgr")
    >>> [line.get_ydata()[0] for line in fig.axes[0].lines if line.get_gid() == "threshold"]
    [3.0]
    """
    rows = _filter(_rows(indicators), value, care_type, "utklar.plot.mean_days")
    threshold = _threshold(threshold, care_type)
    periods = _periods(rows)
    series, column = _series(rows, value, periods), _group_column(rows)
    incl = "including day 0" if value == "mean_days_incl_day0" else (
        "(national definition)" if value == "mean_days" else value
    )
    care = f", {care_type} care" if care_type else ""
    heading = title if title is not None else f"Mean ready days {incl}{care}"
    names = _names(column)
    if small_multiples:
        if ax is not None:
            raise InvalidArgumentError("utklar.plot.mean_days: small_multiples draws its own grid: leave out ax")
        return _small_multiples(series, periods, names, threshold, heading)
    fig, ax = _axes(ax, "mean_days", len(series))
    for group, ys in series.items():
        ax.plot(range(len(periods)), ys, marker="o", markersize=3, label=names.get(group, group), gid=group)
    if threshold is not None:
        line = ax.axhline(
            threshold, color="black", linestyle="--", linewidth=1.2, label=f"indicator {threshold:g} days"
        )
        line.set_gid("threshold")
    ax.set_title(heading)
    ax.set_ylabel("mean ready days")
    ax.set_ylim(bottom=0)
    _finish(fig, ax, periods, len(series))
    return fig


def _threshold(threshold: float | str | Agreement | None, care_type: str | None) -> float | None:
    """The indicator line's days: a number as given, an agreement's threshold as the core
    holds it (no threshold of its own here)."""
    if threshold is None:
        return None
    # A bool is an int to Python, but True is no number of days.
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
        return float(threshold)
    if isinstance(threshold, (Agreement, str)):
        agreement = threshold if isinstance(threshold, Agreement) else Agreement.preset(threshold)
        return agreement.threshold_days(care_type or "somatic")
    raise InvalidArgumentError(
        f"threshold: a {type(threshold).__name__} is not a number of days, an agreement or a preset name"
    )


def _small_multiples(
    series: dict[str, list[float]],
    periods: list[str],
    names: dict[str, str],
    threshold: float | None,
    heading: str,
) -> Figure:
    plt = _pyplot("mean_days")
    n = max(len(series), 1)
    cols = min(n, 7 if n > 24 else 4)
    grid = -(-n // cols)
    fig, axes = plt.subplots(
        grid, cols, figsize=(2.4 * cols + 0.6, 1.9 * grid + 0.9), sharex=True, sharey=True, squeeze=False
    )
    flat = [a for row in axes for a in row]
    for a, (group, ys) in zip(flat, series.items()):
        a.plot(range(len(periods)), ys, marker="o", markersize=2, linewidth=1, gid=group)
        if threshold is not None:
            line = a.axhline(threshold, color="black", linestyle="--", linewidth=0.9)
            line.set_gid("threshold")
        a.set_title(names.get(group, group), fontsize="small")
        a.grid(axis="y", alpha=0.3)
        a.set_ylim(bottom=0)
    for a in flat[len(series):]:
        a.remove()
    last = flat[: len(series)]
    step = max(1, len(periods) // 4)
    for a in last:
        a.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, fontsize="x-small")
        a.tick_params(axis="y", labelsize="x-small")
    suffix = "" if threshold is None else f" (dashed: indicator {threshold:g} days)"
    fig.suptitle(heading + suffix)
    fig.supylabel("mean ready days", x=0.005)
    fig.tight_layout(rect=(0.025, 0.0, 1.0, 1.0))
    figure: Figure = fig
    return figure


def goal_attainment(
    indicators: Any,
    *,
    nation: Any = None,
    care_type: str | None = "somatic",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Goal attainment (*måluppfyllelse*: the share discharged on the ready date, day 0) per
    period in percent, one line per group, beside the nation's.

    Args:
        indicators: a table from :func:`utklar.indicators` (by county for a county's packet).
        nation: the nation's indicators (``utklar.indicators(episodes, by="nation")``), drawn
            as a dashed black line labelled ``nation``; only meaningful where the data cover
            the nation. ``None`` draws none.
        care_type: the care type to draw, or ``None`` for every row.
        title: the title; by default it names the care type.
        ax: draw into these matplotlib axes instead of a new figure.

    Returns:
        The matplotlib Figure.

    >>> import utklar
    >>> eps = utklar.synth(year=2024, months=3, episodes=5000, negative_share=0.0, library="polars")
    >>> fig = utklar.plot.goal_attainment(utklar.indicators(eps, by="county"),
    ...                                   nation=utklar.indicators(eps, by="nation"))
    >>> [line.get_label() for line in fig.axes[0].lines][-1]
    'nation'
    """
    what = "utklar.plot.goal_attainment"
    rows = _filter(_rows(indicators), "goal_attainment", care_type, what)
    national_rows = [] if nation is None else _filter(_rows(nation), "goal_attainment", care_type, what)
    periods = sorted(set(_periods(rows)) | set(_periods(national_rows)))
    series, column = _series(rows, "goal_attainment", periods), _group_column(rows)
    national = None
    if nation is not None:
        national = next(iter(_series(national_rows, "goal_attainment", periods).values()), None)
    fig, ax = _axes(ax, "goal_attainment", len(series) + (national is not None))
    names = _names(column)
    for group, ys in series.items():
        ax.plot(range(len(periods)), [y * 100 for y in ys], marker="o", markersize=3, label=names.get(group, group), gid=group)
    if national is not None:
        ax.plot(range(len(periods)), [y * 100 for y in national], color="black", linestyle="--", marker="s", markersize=3, label="nation", gid="nation")
    care = f", {care_type} care" if care_type else ""
    ax.set_title(title if title is not None else f"Goal attainment (discharged on day 0){care}")
    ax.set_ylabel("discharged on day 0 (%)")
    ax.set_ylim(0, 100)
    _finish(fig, ax, periods, len(series) + (national is not None))
    return fig
