"""Exception hierarchy for supplyscope.

Every error the package raises on purpose derives from :class:`SupplyscopeError`::

    SupplyscopeError
    ├── DataError      (ValueError)  bad or missing input data: source, row, field
    ├── ConfigError    (ValueError)  bad settings file or option: key
    ├── RuleError      (ValueError)  malformed rule-of-origin or scenario definition
    ├── NotFoundError  (KeyError)    unknown code, country, year, entity, ...
    ├── ConflictError                the request conflicts with the stored state (e.g. a withdrawn report)
    └── UnavailableError             a capability or a store cannot serve now: retry_after seconds, or None

Front ends map these to exit codes (CLI) or HTTP statuses (service) in one place.
"""

from __future__ import annotations

from collections.abc import Iterable


class SupplyscopeError(Exception):
    """Root of every error raised on purpose by supplyscope."""


class DataError(SupplyscopeError, ValueError):
    """Input data are malformed; carries where (source, row, field)."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.field = field
        self.detail = message
        where = ", ".join(
            part
            for part in (
                f"file {source}" if source is not None else "",
                f"row {row}" if row is not None else "",
                f"field {field!r}" if field is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(SupplyscopeError, ValueError):
    """A settings file or option is invalid; carries the offending key."""

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None) -> None:
        self.key = key
        self.source = source
        prefix = ""
        if source:
            prefix += f"{source}: "
        if key:
            prefix += f"key {key!r}: "
        super().__init__(prefix + message)


class RuleError(SupplyscopeError, ValueError):
    """A rule or scenario definition cannot be understood."""


class NotFoundError(SupplyscopeError, KeyError):
    """An identifier does not exist; the message lists what does."""

    def __init__(self, kind: str, value: object, available: Iterable[object] = ()) -> None:
        self.kind = kind
        self.value = value
        choices = [str(a) for a in available]
        shown = ", ".join(choices[:20])
        more = f" … and {len(choices) - 20} more" if len(choices) > 20 else ""
        hint = f"; available: {shown}{more}" if choices else ""
        self.message = f"unknown {kind} {value!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ConflictError(SupplyscopeError):
    """The request conflicts with the current state (correcting a withdrawn report, removing the last admin)."""


class UnavailableError(SupplyscopeError):
    """Something cannot serve the request now: not installed, read-only, disk full; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)
