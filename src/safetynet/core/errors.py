"""Errors raised by services; views and commands turn them into field errors or one line."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. `field` names the input at fault when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
