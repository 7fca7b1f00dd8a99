"""Every keyword argument that the core has a default for defaults to the core's value."""

import inspect

import utklar
from utklar import _utklar


def _functions():
    for module in (utklar, utklar._measures):
        for name, f in vars(module).items():
            if callable(f) and not name.startswith("_") and not inspect.isclass(f):
                yield f"{module.__name__}.{name}", f
    for name, f in vars(_utklar).items():
        if callable(f) and not inspect.isclass(f):
            yield f"_utklar.{name}", f


def test_keyword_defaults_are_the_cores():
    checked = []
    for name, f in _functions():
        try:
            params = inspect.signature(f).parameters
        except (TypeError, ValueError):
            continue
        for key, core_default in _utklar.DEFAULTS.items():
            p = params.get(key)
            if p is None or p.default is inspect.Parameter.empty:
                continue
            assert p.default == core_default, (name, key, p.default, core_default)
            checked.append((name, key))
    # The main entry points are among those checked, in Python and in the compiled module.
    for must in [("utklar.indicators", "period"), ("utklar.indicators", "negative_days"),
                 ("utklar.indicators", "by"), ("utklar.explain", "period"),
                 ("_utklar.indicators", "period"), ("utklar._measures.readmissions", "period")]:
        assert must in checked, (must, sorted(set(n for n, _ in checked)))


def test_the_core_defaults_are_month_exclude_municipality_lenient():
    assert _utklar.DEFAULTS == {
        "period": "month",
        "negative_days": "exclude",
        "by": "municipality",
        "strict": False,
        "min_age": None,
    }


def test_synth_and_report_defaults_are_the_cores():
    for f in (utklar.synth, _utklar.synth_episodes):
        params = inspect.signature(f).parameters
        for key, core_default in _utklar.SYNTH_DEFAULTS.items():
            if key in params:
                assert params[key].default == core_default, (f, key)
    assert set(_utklar.SYNTH_DEFAULTS) <= set(inspect.signature(utklar.synth).parameters)
    for f in (utklar.report, _utklar.report):
        assert inspect.signature(f).parameters["lang"].default == _utklar.REPORT_LANG
    assert _utklar.REPORT_LANG == "sv"
