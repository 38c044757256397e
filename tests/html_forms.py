"""The forms of a page as a browser reads them, to post what a person's Enter or click would post.

`forms(html)` lists each form with its fields and submit buttons; `Form.enter(field)` is the browser's
implicit submission from a one-line field (the form's first submit button, with its name and value),
and `Form.click(testid)` a click on a given button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Input types in which Enter submits the form (HTML's implicit submission).
ENTER_SUBMITS = {
    "text",
    "search",
    "url",
    "tel",
    "email",
    "password",
    "date",
    "number",
    "month",
    "week",
    "time",
}


@dataclass
class Button:
    name: str
    value: str
    attrs: dict[str, str]


@dataclass
class Form:
    action: str
    attrs: dict[str, str]
    fields: list[dict[str, str]] = field(default_factory=list)  # inputs, selects, textareas (tag + attrs)
    buttons: list[Button] = field(default_factory=list)

    def text_fields(self) -> list[str]:
        """Names of the one-line fields, where Enter submits the form."""
        return [
            f.get("name", "")
            for f in self.fields
            if f["tag"] == "input" and f.get("type", "text").lower() in ENTER_SUBMITS
        ]

    def data(self) -> dict[str, str]:
        """What the form sends as rendered: hidden and filled fields, checked boxes, chosen options."""
        sent: dict[str, str] = {}
        for f in self.fields:
            name = f.get("name")
            if not name:
                continue
            kind = f.get("type", "text").lower()
            if f["tag"] == "input" and kind in ("checkbox", "radio") and "checked" not in f:
                continue
            if f["tag"] == "input" and kind in ("submit", "button", "image", "reset"):
                continue
            sent[name] = f.get("value", "")
        return sent

    def enter(self, **typed: str) -> dict[str, str]:
        """What Enter in a one-line field posts: the data, what was typed, and the default button's
        name and value (its first submit button), as a browser sends them."""
        assert any(name in self.text_fields() for name in typed) or not typed, "Enter needs a one-line field"
        sent = {**self.data(), **typed}
        default = self.buttons[0] if self.buttons else None
        if default is not None and default.name:
            sent[default.name] = default.value
        return sent

    def click(self, testid: str, **typed: str) -> dict[str, str]:
        button = next(b for b in self.buttons if b.attrs.get("data-testid") == testid)
        sent = {**self.data(), **typed}
        if button.name:
            sent[button.name] = button.value
        return sent

    def button(self, testid: str) -> Button:
        return next(b for b in self.buttons if b.attrs.get("data-testid") == testid)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.textarea: dict[str, str] | None = None
        self.select: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.current = Form(action=found.get("action", ""), attrs=found)
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        if tag == "button" and found.get("type", "submit") == "submit":
            self.current.buttons.append(Button(found.get("name", ""), found.get("value", ""), found))
        elif tag == "input" and found.get("type", "text").lower() in ("submit", "image"):
            self.current.buttons.append(Button(found.get("name", ""), found.get("value", ""), found))
            self.current.fields.append({"tag": tag, **found})
        elif tag == "input":
            self.current.fields.append({"tag": tag, **found})
        elif tag == "textarea":
            self.textarea = {"tag": tag, **found, "value": ""}
            self.current.fields.append(self.textarea)
        elif tag == "select":
            self.select = {"tag": tag, **found}
            self.current.fields.append(self.select)
        elif (
            tag == "option"
            and self.select is not None
            and ("selected" in found or "value" not in self.select)
        ):
            self.select["value"] = found.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None:
            # As in a browser: a newline right after <textarea> is not part of its value.
            text = self.textarea["value"]
            self.textarea["value"] = text[1:] if text.startswith("\n") else text
            self.textarea = None
        elif tag == "select":
            self.select = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, *, action: str, having: str = "") -> Form:
    """The one form posting to `action` (and holding a field or button named `having`, if given)."""
    found = [
        f
        for f in forms(html)
        if f.action == action
        and (
            not having
            or any(x.get("name") == having for x in f.fields)
            or any(b.name == having for b in f.buttons)
        )
    ]
    assert len(found) == 1, f"{len(found)} forms post to {action} with {having!r}"
    return found[0]
