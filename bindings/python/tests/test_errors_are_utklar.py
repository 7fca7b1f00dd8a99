"""Every error of the package is a utklar.UtklarError (issue: nothing wrong ever comes out)."""

import warnings

import pandas as pd
import pytest

import utklar


@pytest.fixture
def episodes():
    return utklar.synth(episodes=50, seed=3)


def test_invalid_argument_is_also_a_value_error(episodes):
    with pytest.raises(utklar.InvalidArgumentError) as e:
        utklar.indicators(episodes, period="fortnight")
    assert isinstance(e.value, utklar.UtklarError)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: utklar.indicators(t, min_age=10**30),
        lambda t: utklar.explain(t, min_age=10**30),
        lambda t: utklar.readmissions(t, window=10**30),
        lambda t: utklar.synth(episodes=-1),
        lambda t: utklar.synth(episodes=10**30),
    ],
)
def test_out_of_range_integers_are_utklar_errors(episodes, call):
    with pytest.raises(utklar.InvalidArgumentError) as e:
        call(episodes)
    assert isinstance(e.value, ValueError)
    assert "out of range" in str(e.value) or "age" in str(e.value)


def test_a_mixed_type_object_column_is_a_utklar_error_without_its_cells():
    df = pd.DataFrame(
        {
            "episode_id": ["19121212-1212", 1],
            "municipality": ["0880", "0880"],
            "care_type": ["somatic", "somatic"],
            "ready_at": ["2024-01-01", "2024-01-02"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in (
            utklar.indicators,
            utklar.validate,
            lambda t: utklar.invoice(t, "statutory"),
            utklar.explain,
        ):
            with pytest.raises(utklar.InvalidArgumentError) as e:
                f(df)
            assert e.value.name == "episode_id"
            assert "1212" not in str(e.value)
            assert e.value.__cause__ is None and e.value.__suppress_context__


@pytest.mark.parametrize(
    "kwargs, name, message",
    [
        ({"year": 1990}, "year", "1990 is outside 1991–2100"),
        ({"months": 0}, "months", "0; use 1–120"),
        ({"year": 2100, "months": 13}, "months", "13 months from January 2100 end after December 2100; use 1–12"),
        ({"open_share": 1.5}, "open_share", "1.5 is not a share 0–1"),
        ({"negative_share": -0.5}, "negative_share", "-0.5 is not a share 0–1"),
    ],
)
def test_synth_options_are_checked_by_the_core(kwargs, name, message):
    with pytest.raises(utklar.InvalidArgumentError) as e:
        utklar.synth(episodes=10, **kwargs)
    assert e.value.name == name
    assert message in str(e.value)


def test_synth_accepts_the_edges_of_its_range_and_every_row_reads_back():
    for year in (1991, 2100):
        t = utklar.synth(episodes=20_000, year=year, months=12)
        assert t.num_rows == 20_000
        problems = utklar.validate(t, negative_days="day0")
        assert problems.num_rows == 0, (year, problems.slice(0, 3).to_pylist())


def test_synth_takes_a_county_or_municipality_by_name():
    by_name = utklar.synth(episodes=200, seed=1, county="Kalmar län")
    by_code = utklar.synth(episodes=200, seed=1, county="08")
    assert by_name.equals(by_code)
    t = utklar.synth(episodes=50, seed=1, municipalities=["Göteborg", "0880"])
    assert set(t.column("municipality").to_pylist()) <= {"1480", "0880"}
    with pytest.raises(utklar.UnknownCountyError):
        utklar.synth(episodes=5, county="Atlantis")
