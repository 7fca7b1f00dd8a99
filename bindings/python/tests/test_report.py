"""utklar.report: the monthly report's page from pyarrow, polars and pandas tables, with the
figures of utklar.indicators and utklar.invoice, and its errors."""

from __future__ import annotations

import pyarrow as pa
import pytest

import utklar
from conftest import LIBRARIES, convert

AMOUNTS = {2023: 11600}  # 2024 stays discharged in January began in December 2023


@pytest.fixture(scope="module")
def kalmar() -> pa.Table:
    return utklar.synth(county="08", year=2024, episodes=6000, seed=11)


def sv(x: float, decimals: int) -> str:
    """A number as the Swedish page writes it: `1 234,5` (narrow no-break space)."""
    return f"{x:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_same_page_from_every_library(kalmar: pa.Table, library: str) -> None:
    ref = utklar.report(kalmar, county="08", month="2024-06", amounts=AMOUNTS)
    r = utklar.report(convert(kalmar, library), county=8, month="2024-06", amounts=AMOUNTS)
    assert isinstance(r, utklar.Report)
    assert r.html == ref.html
    assert (r.county, r.month, r.agreement, r.lang) == ("08", "2024-06", "kalmar", "sv")


def test_the_page_has_the_figures_of_indicators_and_invoice(kalmar: pa.Table, tmp_path) -> None:
    r = utklar.report(kalmar, county="08", month="2024-06", amounts=AMOUNTS, population="builtin")
    ind = utklar.indicators(kalmar, by="county", population="builtin").to_pylist()
    row = next(x for x in ind if x["care_type"] == "somatic" and x["period"] == "2024-06")
    for cell in [sv(row["episodes"], 0), sv(row["mean_days_incl_day0"], 2),
                 sv(row["goal_attainment"] * 100, 1) + "\u00a0%", sv(row["days_per_1000"], 0)]:
        assert f">{cell}</td>" in r.html, cell
    inv = utklar.invoice(kalmar, "kalmar", amounts=AMOUNTS).totals.to_pylist()
    month = [t for t in inv if t["care_type"] == "somatic" and t["period"] == "2024-06"]
    assert month, "the month is invoiced"
    ore = sum(t["amount_ore"] for t in month)
    assert f">{sv(ore / 100, 0)}\u00a0kr</td>" in r.html
    for t in month:
        assert f'data-municipality="{t["municipality"]}"' in r.html
    # Twelve small multiples per care type, each with the indicator line.
    assert r.html.count('<figure class="chart"') == 24
    path = tmp_path / "r.html"
    r.save(path)
    assert path.read_text(encoding="utf-8") == r.html
    assert r._repr_html_().startswith("<iframe srcdoc=")
    assert "Report(county=\"08\"" in repr(r)


def test_defaults_and_english(kalmar: pa.Table) -> None:
    r = utklar.report(kalmar, county="08", amounts=AMOUNTS, lang="en")
    assert r.month == "2024-12", "the latest month of the data"
    assert "Somatic care" in r.html and "Somatisk vård" not in r.html
    g = utklar.report(kalmar, county="09", amounts=AMOUNTS, agreement="statutory")
    assert g.agreement == "statutory"
    assert 'data-nodata="county"' in g.html and "<svg" not in g.html


def test_a_missing_amount_leaves_the_rest_of_the_page(kalmar: pa.Table) -> None:
    r = utklar.report(kalmar, county="08")
    assert 'data-nodata="amount"' in r.html and "<svg" in r.html


def test_errors_name_the_argument(kalmar: pa.Table) -> None:
    with pytest.raises(utklar.UnknownCountyError):
        utklar.report(kalmar, county="99")
    with pytest.raises(utklar.InvalidArgumentError, match="2030-01"):
        utklar.report(kalmar, county="08", month="2030-01")
    with pytest.raises(utklar.InvalidArgumentError, match="month"):
        utklar.report(kalmar, county="08", month="2024")
    with pytest.raises(utklar.InvalidArgumentError, match="lang"):
        utklar.report(kalmar, county="08", lang="de")
    with pytest.raises(utklar.UnknownPresetError):
        utklar.report(kalmar, county="08", agreement="nowhere")
