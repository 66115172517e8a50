"""Typed errors of the core. Each carries a code the UI translates and the field it concerns."""

from __future__ import annotations


class DomainError(Exception):
    """Base of expected errors: shown inline to the operator, never as a crash."""

    code = "domain_error"

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class ValidationError(DomainError):
    """One or more fields are invalid; `problems` maps field -> code."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        first_field, first_code = next(iter(self.problems.items()))
        detail = ", ".join(f"{f}: {c}" for f, c in self.problems.items())
        super().__init__(first_code, f"invalid {detail}", first_field)


class StatusRegression(DomainError):
    """A status change that would move backwards."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__("status_backwards", f"status cannot move from {current} back to {wanted}", "status")


class NotFound(DomainError):
    """A record that does not exist in this store."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__("not_found", f"{what} {key!r} not found", what)
