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
