"""Words for the codes of a domain enum: the codes stay in `domain/` (no Django there), the labels a
person reads are here, as translated messages, and a model field's choices are derived from both.

    STATUS = Labels(CaseStatus, {CaseStatus.PENDING: _("Waiting for a worker"), ...})
    status = models.CharField(choices=STATUS.choices, default=CaseStatus.PENDING)
    STATUS[case.status]  # the label in the active language

Every code has exactly one label, checked when the module is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from django.utils.functional import Promise

Code = TypeVar("Code", bound=StrEnum)
Label = str | Promise


class Labels(Generic[Code]):
    def __init__(self, codes: type[Code], labels: Mapping[Code, Label]) -> None:
        unlabelled = [code.value for code in codes if code not in labels]
        strangers = [str(key) for key in labels if not isinstance(key, codes)]
        if unlabelled or strangers:
            raise ValueError(f"{codes.__name__}: labels missing for {unlabelled}, not codes: {strangers}")
        self.codes = codes
        self._labels = dict(labels)

    @property
    def choices(self) -> list[tuple[str, Label]]:
        """(code, label) in the order of the enum, for a model field or a form."""
        return [(code.value, self._labels[code]) for code in self.codes]

    def __getitem__(self, code: str) -> str:
        """The label of a code (a member or its value) in the active language; ValueError if unknown."""
        return str(self._labels[self.codes(code)])
