"""Type stubs of the compiled module ``utklar._utklar`` (checked with mypy's stubtest)."""

import datetime
import os
from typing import Any, final

__all__ = [
    "Agreement",
    "AgreementError",
    "AmountOverflowError",
    "ArrowTable",
    "CORE_VERSION",
    "DEFAULTS",
    "REPORT_LANG",
    "SYNTH_DEFAULTS",
    "DEFAULT_READMISSION_WINDOW_DAYS",
    "InvalidArgumentError",
    "InvalidRowsError",
    "MissingAmountError",
    "PersonalDataError",
    "Report",
    "UnknownCountyError",
    "UnknownMunicipalityError",
    "UnknownPresetError",
    "UtklarError",
    "__version__",
    "_core_indicators_of_synth",
    "_core_invoice_of_synth",
    "accuracy",
    "amounts",
    "census",
    "counties",
    "compare",
    "explain",
    "invoice",
    "sweep",
    "indicators",
    "indicators_also_by",
    "municipalities",
    "persons",
    "read_episodes",
    "readmissions",
    "reasons",
    "report",
    "synth_episodes",
    "validate_rows",
]

__version__: str
CORE_VERSION: str
DEFAULT_READMISSION_WINDOW_DAYS: int
DEFAULTS: dict[str, Any]
SYNTH_DEFAULTS: dict[str, Any]
REPORT_LANG: str

@final
class ArrowTable:
    """A result table exporting itself through ``__arrow_c_stream__``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...

@final
class Agreement:
    """A payment agreement."""

    def __eq__(self, value: object, /) -> bool: ...
    @staticmethod
    def preset(name: str) -> Agreement: ...
    @staticmethod
    def presets() -> list[str]: ...
    @staticmethod
    def from_toml(text: str) -> Agreement: ...
    def to_toml(self) -> str: ...
    def variant(
        self,
        name: str | None = None,
        *,
        threshold_days: float | None = None,
        grace_days: int | None = None,
        set: dict[str, Any] | None = None,
    ) -> Agreement: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def assumptions(self) -> list[str]: ...
    def threshold_days(self, care_type: str) -> float | None: ...

@final
class Report:
    """The monthly report of a county: one self-contained HTML page."""

    @property
    def html(self) -> str: ...
    @property
    def county(self) -> str: ...
    @property
    def month(self) -> str: ...
    @property
    def agreement(self) -> str: ...
    @property
    def lang(self) -> str: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...
    def _repr_html_(self) -> str: ...

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
) -> Report: ...

class UtklarError(Exception): ...
class InvalidRowsError(UtklarError):
    problems: list[tuple[int, str, str]]

class UnknownMunicipalityError(UtklarError):
    code: str

class UnknownCountyError(UtklarError):
    code: str

class MissingAmountError(UtklarError):
    year: int

class AgreementError(UtklarError):
    field: str

class UnknownPresetError(UtklarError):
    name: str

class InvalidArgumentError(UtklarError, ValueError):
    name: str

class AmountOverflowError(UtklarError):
    what: str
    municipality: str
    care_type: str
    period: str
    ore: int

class PersonalDataError(UtklarError):
    field: str
    count: int

def indicators(
    episodes: Any,
    *,
    period: str = "month",
    by: str = "municipality",
    negative_days: str = "exclude",
    population: Any | None = None,
    beds: Any | None = None,
    strict: bool = False,
    min_age: int | None = None,
    suppress_below: int | None = None,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def validate_rows(
    episodes: Any, *, negative_days: str = "exclude", allow_personal_ids: bool = False
) -> tuple[ArrowTable, int]: ...
def census(
    episodes: Any, on: datetime.date, *, allow_personal_ids: bool = False
) -> tuple[ArrowTable, dict[str, Any]]: ...
def indicators_also_by(
    episodes: Any,
    also_by: list[str],
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
) -> tuple[ArrowTable, dict[str, Any]]: ...
def explain(
    episodes: Any,
    agreement: Agreement | str | None = None,
    *,
    amounts: dict[int, Any] | None = None,
    period: str = "month",
    negative_days: str = "exclude",
    min_age: int | None = None,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, int | None]: ...
def synth_episodes(
    *,
    year: int = 2025,
    months: int = 12,
    episodes: int = 0,
    county: str | None = None,
    municipalities: list[str] | None = None,
    seed: int = 2025,
    open_share: float = 0.01,
    negative_share: float = 0.003,
) -> ArrowTable: ...
def _core_indicators_of_synth(
    *,
    year: int = 2025,
    months: int = 12,
    episodes: int = 0,
    county: str | None = None,
    seed: int = 2025,
    period: str = "month",
    by: str = "municipality",
    negative_days: str = "exclude",
    min_age: int | None = None,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def _core_invoice_of_synth(
    agreement: Agreement | str,
    *,
    year: int = 2024,
    months: int = 12,
    episodes: int = 0,
    county: str | None = None,
    seed: int = 2025,
    amounts: dict[int, Any] | None = None,
) -> dict[str, Any]: ...
def municipalities() -> ArrowTable: ...
def reasons() -> list[tuple[str, str]]: ...
def invoice(
    episodes: Any,
    agreement: Agreement | str,
    *,
    amounts: dict[int, Any] | None = None,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, ArrowTable, ArrowTable, dict[str, Any], dict[str, Any]]: ...
def compare(
    episodes: Any,
    agreements: list[Agreement | str] | dict[str, Agreement | str],
    *,
    amounts: dict[int, Any] | None = None,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def sweep(
    episodes: Any,
    agreement: Agreement | str,
    *,
    thresholds: list[float] = ...,
    grace_days: list[int] = ...,
    amounts: dict[int, Any] | None = None,
    by_municipality: bool = False,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def counties() -> ArrowTable: ...
def amounts() -> ArrowTable: ...
def readmissions(
    episodes: Any,
    *,
    by: str = "municipality",
    period: str = "month",
    window: int = ...,
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def persons(
    episodes: Any,
    *,
    by: str = "municipality",
    period: str = "month",
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
def accuracy(
    episodes: Any, *, strict: bool = False, allow_personal_ids: bool = False
) -> tuple[ArrowTable, dict[str, Any]]: ...
def read_episodes(
    path: str,
    *,
    sheet: str | None = None,
    strict: bool = False,
    allow_personal_ids: bool = False,
) -> tuple[ArrowTable, dict[str, Any]]: ...
