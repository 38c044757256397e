"""Errors raised by services; views and commands turn them into field errors or one line."""

from __future__ import annotations

from collections.abc import Sequence

Problem = tuple[str | None, str]  # (the input at fault or None, the message)


class DomainError(Exception):
    """A business rule refused the action. `field` names the input at fault when there is one.

    A service that checks several inputs reports every problem at once (`DomainError.of`), so a form
    shows them all in one round; `message` and `field` are then the first one's.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: list[Problem] = [(field, message)]

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> DomainError:
        field, message = problems[0]
        error = cls(message, field=field)
        error.problems = list(problems)
        return error


class Problems:
    """The problems a service finds while it checks its input; `check()` raises them together."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, field: str | None, message: str) -> None:
        self.found.append((field, message))

    def check(self) -> None:
        if self.found:
            raise DomainError.of(self.found)
