"""Which table library the caller uses, and turning results into that library's tables.

Results leave the compiled module as Arrow C streams (objects with ``__arrow_c_stream__``);
each library imports them without a copy through Python objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._utklar import ArrowTable

LIBRARIES: tuple[str, ...] = ("pyarrow", "polars", "pandas")


def library_of(obj: Any) -> str:
    """The library a table comes from: ``"polars"``, ``"pandas"`` or ``"pyarrow"``.

    Any other object with ``__arrow_c_stream__`` gets pyarrow results.
    """
    module = type(obj).__module__.split(".")[0]
    if module == "polars":
        return "polars"
    if module == "pandas":
        return "pandas"
    return "pyarrow"


def source(obj: Any) -> Any:
    """The table to read through ``__arrow_c_stream__``.

    A polars column of dtype ``Null`` (every value ``None``) is exported with a buffer the
    Arrow C data interface does not expect for that type (pola-rs/polars#22934), which the
    importer refuses; such columns are handed over as all-null text instead, which reads the
    same (absent in every row).
    """
    if type(obj).__module__.split(".")[0] == "polars":
        import polars as pl

        # Only a data frame: a lazy one is refused later, with a hint, and touching its
        # `.schema` (even through hasattr) would resolve it, with polars' warning.
        if not isinstance(obj, pl.DataFrame):
            return obj
        nulls = [name for name, dtype in obj.schema.items() if dtype == pl.Null]
        if nulls:
            return obj.with_columns(pl.col(nulls).cast(pl.String))
    return obj


def check_library(library: str) -> str:
    """Validates a ``library=`` argument."""
    from ._utklar import InvalidArgumentError

    if library not in LIBRARIES:
        raise InvalidArgumentError(
            f"library: {library!r} is not a table library: use 'pyarrow', 'polars' or 'pandas'"
        )
    return library


def to_library(
    table: ArrowTable, library: str, exclusions: Any = None, exclusions_json: str | None = None
) -> Any:
    """Converts a result to ``library``'s table, attaching ``exclusions`` where it can.

    pandas: ``DataFrame.attrs["utklar_exclusions"]`` (a dict); pyarrow: the schema metadata key
    ``utklar.exclusions`` (JSON: ``exclusions_json`` when the compiled module wrote it, the
    same text as ``json.dumps(exclusions.to_dict())``); polars frames carry no metadata, use
    :func:`utklar.last_exclusions`.
    """
    if library == "polars":
        import polars as pl

        return pl.DataFrame(table)
    if library == "pandas":
        import pandas as pd

        if hasattr(pd.DataFrame, "from_arrow"):
            df = pd.DataFrame.from_arrow(table)
        else:  # pandas < 3
            import pyarrow as pa

            df = pa.table(table).to_pandas()
        if exclusions is not None:
            df.attrs["utklar_exclusions"] = exclusions.to_dict()
        return df
    import pyarrow as pa

    t = pa.table(table)
    if exclusions is not None:
        t = t.replace_schema_metadata(
            {b"utklar.exclusions": (exclusions_json or exclusions._json()).encode()}
        )
    return t
