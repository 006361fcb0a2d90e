"""Showing coded rule violations on Django forms."""

from __future__ import annotations

from django import forms

from etender.kernel.errors import RuleViolation, RuleViolations, violations_of


def apply_violations(form: forms.BaseForm, exc: RuleViolation | RuleViolations, *, prefix_map: dict[str, str] | None = None) -> None:
    """Attach each violation to the form field it names (or to the form), as "E1xx message"."""
    for v in violations_of(exc):
        name = v.field or ""
        if prefix_map:
            for src, dst in prefix_map.items():
                if name.startswith(src):
                    name = dst + name[len(src) :]
        text = f"{v.code} {v.text()}"
        if name in form.fields:
            form.add_error(name, text)
        else:
            form.add_error(None, text)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files (``<input type=file multiple>``); cleans to a list, empty when none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
