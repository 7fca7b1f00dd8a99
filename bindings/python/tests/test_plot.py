"""utklar.plot: the Figures' axes, titles, the indicator line and the plotted values equal the
indicator table's; a clear error without matplotlib."""

from __future__ import annotations

import math
import sys

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import utklar  # noqa: E402

from conftest import rows  # noqa: E402


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b))


def test_mean_days(library: str) -> None:
    eps = utklar.synth(county="08", year=2024, months=4, episodes=3000, negative_share=0.0, library=library)
    ind = utklar.indicators(eps)
    fig = utklar.plot.mean_days(ind, threshold=0.8)
    assert isinstance(fig, matplotlib.figure.Figure)
    (ax,) = fig.axes
    assert ax.get_title() == "Mean ready days including day 0, somatic care"
    assert ax.get_ylabel() == "mean ready days"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    (threshold,) = [line for line in ax.lines if line.get_gid() == "threshold"]
    assert list(threshold.get_ydata()) == [0.8, 0.8] and threshold.get_linestyle() == "--"
    assert threshold.get_label() == "indicator 0.8 days"
    groups = {line.get_gid(): line for line in ax.lines if line.get_gid() != "threshold"}
    r = [x for x in rows(ind) if x["care_type"] == "somatic"]
    assert set(groups) == {x["municipality"] for x in r}
    assert groups["0880"].get_label() == "Kalmar"
    for m, line in groups.items():
        want = {x["period"]: x["mean_days_incl_day0"] for x in r if x["municipality"] == m}
        expect = [want.get(p, math.nan) for p in ["2024-01", "2024-02", "2024-03", "2024-04"]]
        assert same([float(y) for y in line.get_ydata()], [math.nan if v is None else v for v in expect]), m
    # The national definition, psychiatric care, no line, a title of one's own, given axes.
    fig2, ax2 = plt.subplots()
    out = utklar.plot.mean_days(ind, threshold=None, value="mean_days", care_type="psychiatric", title="T", ax=ax2)
    assert out is fig2 and ax2.get_title() == "T"
    assert not [line for line in ax2.lines if line.get_gid() == "threshold"]
    psy = [x for x in rows(ind) if x["care_type"] == "psychiatric" and x["municipality"] == "0880"]
    kalmar = next(line for line in ax2.lines if line.get_gid() == "0880")
    assert [v for v in kalmar.get_ydata() if not math.isnan(v)] == [
        x["mean_days"] for x in sorted(psy, key=lambda x: x["period"]) if x["mean_days"] is not None
    ]
    with pytest.raises(utklar.InvalidArgumentError, match="mean_dayz"):
        utklar.plot.mean_days(ind, value="mean_dayz")
    # The line by default and for an agreement is the agreement's threshold as the core holds
    # it; none for a model without one.
    def line_of(fig: matplotlib.figure.Figure) -> list[float]:
        return [float(y) for line in fig.axes[0].lines if line.get_gid() == "threshold" for y in line.get_ydata()]

    assert line_of(utklar.plot.mean_days(ind)) == [0.8, 0.8]
    assert line_of(utklar.plot.mean_days(ind, threshold="vgr")) == [3.0, 3.0]
    kalmar = utklar.Agreement.preset("kalmar").variant(threshold_days=1.25)
    assert line_of(utklar.plot.mean_days(ind, threshold=kalmar, care_type="psychiatric")) == [1.25, 1.25]
    assert line_of(utklar.plot.mean_days(ind, threshold="statutory")) == []
    # A boolean or another object is not a threshold.
    for bad in (True, [0.8]):
        with pytest.raises(utklar.InvalidArgumentError, match="threshold: a (bool|list) is not"):
            utklar.plot.mean_days(ind, threshold=bad)  # type: ignore[arg-type]


def test_mean_days_small_multiples() -> None:
    # Västra Götaland: 49 municipalities, one small chart each.
    eps = utklar.synth(county="14", year=2024, months=3, episodes=20000, negative_share=0.0, library="polars")
    ind = utklar.indicators(eps)
    fig = utklar.plot.mean_days(ind, threshold=3.0, small_multiples=True)
    somatic = [x for x in rows(ind) if x["care_type"] == "somatic"]
    groups = sorted({x["municipality"] for x in somatic})
    assert len(groups) == 49 and len(fig.axes) == 49
    assert fig._suptitle is not None
    assert fig._suptitle.get_text() == "Mean ready days including day 0, somatic care (dashed: indicator 3 days)"
    names = {m["municipality"]: m["name"] for m in rows(utklar.municipalities())}
    for ax, m in zip(fig.axes, groups):
        assert ax.get_title() == names[m]
        (threshold,) = [line for line in ax.lines if line.get_gid() == "threshold"]
        assert list(threshold.get_ydata()) == [3.0, 3.0]
        (line,) = [line for line in ax.lines if line.get_gid() == m]
        want = {x["period"]: x["mean_days_incl_day0"] for x in somatic if x["municipality"] == m}
        expect = [want.get(p, math.nan) for p in ["2024-01", "2024-02", "2024-03"]]
        assert same([float(y) for y in line.get_ydata()], [math.nan if v is None else v for v in expect]), m
    with pytest.raises(utklar.InvalidArgumentError, match="ax"):
        utklar.plot.mean_days(ind, small_multiples=True, ax=plt.subplots()[1])


def test_goal_attainment_beside_the_nation() -> None:
    eps = utklar.synth(year=2024, months=3, episodes=20000, negative_share=0.0, library="polars")
    county = utklar.indicators(eps, by="county")
    nation = utklar.indicators(eps, by="nation")
    fig = utklar.plot.goal_attainment(county, nation=nation)
    (ax,) = fig.axes
    assert ax.get_title() == "Goal attainment (discharged on day 0), somatic care"
    assert ax.get_ylim() == (0.0, 100.0)
    lines = {line.get_gid(): line for line in ax.lines}
    assert lines["nation"].get_label() == "nation" and lines["nation"].get_linestyle() == "--"
    want = [x["goal_attainment"] * 100 for x in sorted(rows(nation), key=lambda x: x["period"]) if x["care_type"] == "somatic"]
    assert [float(y) for y in lines["nation"].get_ydata()] == want
    kalmar = [x["goal_attainment"] * 100 for x in sorted(rows(county), key=lambda x: x["period"])
              if x["care_type"] == "somatic" and x["county"] == "08"]
    assert [float(y) for y in lines["08"].get_ydata()] == kalmar
    assert lines["08"].get_label() == "Kalmar län"
    assert len(lines) == 1 + len({x["county"] for x in rows(county) if x["care_type"] == "somatic"})


def test_missing_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = utklar.synth(county="08", episodes=200)
    ind = utklar.indicators(eps)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    for f in (utklar.plot.mean_days, utklar.plot.goal_attainment):
        with pytest.raises(utklar.MissingDependencyError, match=r"pip install utklar\[plot\]") as e:
            f(ind)
        assert isinstance(e.value, ImportError) and isinstance(e.value, utklar.UtklarError)
        assert e.value.name == "matplotlib"
