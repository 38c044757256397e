"""`makemessages` without fuzzy matching: a guessed translation of a new message (msgmerge's fuzzy
match) is how "%(n)s decision" once came to read "%(n)s person" in English. A new message starts empty,
and its translation is written, not guessed."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
