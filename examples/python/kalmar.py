"""Kalmar län, one generated year, in polars and in pandas: the notebook a statistician writes.

Indicators per municipality and month, plots (``utklar.plot``) of Kalmar's liability measure
(mean ready days including day 0) against its 0.8-day indicator and of the county's goal
attainment, and what Kalmar's agreement bills compared with the law's default (statutory).

Run it as a script (``python examples/python/kalmar.py --out kalmar.png``) or cell by cell
(``# %%`` markers) in VS Code or Jupyter. The plot is written to a file (matplotlib's Agg
backend), so it runs on a server without a display.
"""

# %% Setup
from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

import utklar  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--out", default="kalmar_mean_days.png", help="where to write the plot")
args = parser.parse_args()

# %% A year of Kalmar län (2024: the national amount per care day for 2024 is sourced) (county code 08), generated: the same seed gives the same episodes.
episodes_pl = utklar.synth(county="08", year=2024, library="polars")
episodes_pd = utklar.synth(county="08", year=2024, library="pandas")
print(f"{episodes_pl.height} episodes in {episodes_pl['municipality'].n_unique()} municipalities")
print(episodes_pl.head(3))

# %% Monthly indicators per municipality (polars in, polars out).
monthly = utklar.indicators(episodes_pl, population="builtin")
report = utklar.last_exclusions()
assert report is not None and report.balances()
print(
    f"{report.rows_in} rows: {report.counted} counted, {report.open} still in hospital, "
    f"{report.excluded} excluded {report.by_reason}"
)
names = utklar.municipalities(library="polars").select("municipality", "name")
monthly = monthly.join(names, on="municipality", how="left")
print(
    monthly.filter(pl.col("care_type") == "somatic", pl.col("period") == "2024-01")
    .select("name", "episodes", "goal_attainment", "mean_days", "mean_days_incl_day0", "days_per_1000")
    .sort("mean_days_incl_day0", descending=True)
)

# %% The same in pandas (pandas in, pandas out): the same numbers.
monthly_pd = utklar.indicators(episodes_pd, population="builtin")
assert isinstance(monthly_pd, pd.DataFrame)
assert monthly_pd["ready_days"].sum() == monthly["ready_days"].sum()
print(monthly_pd.attrs["utklar_exclusions"]["by_reason"])

# %% Kalmar's liability indicator: mean days *including* day 0, somatic care, month by month
# per municipality, against Kalmar's 0.8-day indicator line (utklar.plot, matplotlib).
fig = utklar.plot.mean_days(monthly, threshold="kalmar", value="mean_days_incl_day0", care_type="somatic")
fig.axes[0].set_title("Kalmar län 2024 (generated), somatic care: mean days incl. day 0 per municipality")
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
fig.savefig(args.out, dpi=120)
print(f"plot written to {args.out}")
yearly = (
    utklar.indicators(episodes_pd, period="year")
    .query("care_type == 'somatic'")
    .merge(utklar.municipalities(library="pandas")[["municipality", "name"]], on="municipality")
)
above = yearly.loc[yearly["mean_days_incl_day0"] > 0.8, "name"].tolist()
print(f"above 0.8 over the year: {', '.join(above) or 'none'}")

# %% Goal attainment (discharged on day 0) of the county, month by month. The data cover
# Kalmar län only, so there is no national line to put beside it (pass nation=... when the
# data cover the nation).
county = utklar.indicators(episodes_pl, by="county")
fig = utklar.plot.goal_attainment(county, care_type="somatic")
goal_png = os.path.join(os.path.dirname(os.path.abspath(args.out)), "kalmar_goal_attainment.png")
fig.savefig(goal_png, dpi=120)
print(f"plot written to {goal_png}")
plt.close("all")

# %% Kalmar's agreement against the law's default, per municipality (what-if).
# Stays discharged in January 2024 began in December 2023, a year without a sourced national
# amount: the caller gives one. 10 500 kr is an illustrative figure, not a published amount.
amounts = {2023: 10_500}
kalmar, statutory = utklar.Agreement.preset("kalmar"), utklar.Agreement.preset("statutory")
print(kalmar.title)
comparison = utklar.compare(episodes_pl, [statutory, kalmar], amounts=amounts)
per_municipality = (
    comparison.group_by("municipality", "agreement")
    .agg(pl.col("amount_ore").sum() // 100)
    .pivot(on="agreement", index="municipality", values="amount_ore")
    .join(names, on="municipality")
    .select("name", "statutory", "kalmar")
    .sort("kalmar", descending=True)
)
print("kronor billed in 2024 (generated data):")
print(per_municipality)
invoice = utklar.invoice(episodes_pl, kalmar, amounts=amounts)
assert invoice.balances()
print(f"kalmar: {invoice.amount_ore / 100:,.0f} kr for {invoice.billed_days:,.0f} days; not billed: {invoice.not_billed_counts}")
lower = utklar.sweep(episodes_pl, kalmar, thresholds=[0.5, 0.8, 1.0, 1.5], amounts=amounts)
print(lower.select("threshold_days", "liable_periods", (pl.col("amount_ore") // 100).alias("kronor")))
