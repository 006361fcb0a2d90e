"""The bundled specialty code table (data/specialties.tsv): hierarchical by prefix, A → A01 → A0101 → A010101.

A request for a code matches every expert whose specialty is that code or below it (A01 matches A0101 and
A010102), so an expert registered for a narrow specialty is a candidate for the broader one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import translation


@dataclass(frozen=True)
class Specialty:
    code: str
    zh: str
    en: str

    @property
    def level(self) -> int:
        return 1 + (len(self.code) - 1) // 2

    @property
    def parent(self) -> str | None:
        return self.code[:-2] if len(self.code) > 1 else None

    def label(self, lang: str | None = None) -> str:
        lang = lang or translation.get_language() or "zh-hans"
        return self.en if lang.startswith("en") else self.zh


@cache
def table() -> dict[str, Specialty]:
    out: dict[str, Specialty] = {}
    for line in (Path(__file__).parent / "data" / "specialties.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, zh, en = line.split("\t")
        out[code] = Specialty(code, zh, en)
    return out


def get(code: str) -> Specialty | None:
    return table().get(code)


def is_valid(code: object) -> bool:
    return isinstance(code, str) and code in table()


def covers(requested: str, code: str) -> bool:
    """Does an expert of specialty ``code`` qualify for a request of ``requested``?"""
    return code.startswith(requested)


def ancestors(code: str) -> list[str]:
    """The code and every level above it, broadest first: A010101 → [A, A01, A0101, A010101]."""
    return [code[:n] for n in range(1, len(code) + 1, 2)]


def path_label(code: str, lang: str | None = None) -> str:
    return " / ".join(s.label(lang) for c in ancestors(code) if (s := get(c)))


def choices(lang: str | None = None) -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} {'　' * (s.level - 1)}{s.label(lang)}") for s in table().values()]
