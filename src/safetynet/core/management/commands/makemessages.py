"""`makemessages` without fuzzy matching: a guessed translation of a new message (msgmerge's fuzzy
match) is how "%(n)s decision" once came to read "%(n)s person" in English. A new message starts empty,
and its translation is written, not guessed. Messages marked `N_` (an alias of `gettext_noop`) are
found too."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
    # Notifications are written as `N_("…")` (`gettext_noop`) and translated when read.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
