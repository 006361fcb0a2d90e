"""Compiled releases: the OCDS 1.1 merge routine for the fields this hub publishes.

``standard@1__1__5:docs/schema/merging.md``: releases are merged in date order (a stable sort,
so releases with the same date keep the order they are given in); objects are merged field by
field; arrays of objects are merged by their ``id`` (objects without an ``id`` are appended);
arrays of other values, and the ``wholeListMerge`` arrays of the 1.1.5 schema
(``additionalIdentifiers``, ``additionalClassifications``), are replaced whole; empty objects and
arrays leave the previous value alone; ``null`` removes a value; ``id``, ``date`` and ``tag``
(``omitWhenMerged``) are dropped.  The compiled release gets ``tag: ["compiled"]``,
``id: "<ocid>-<date>"`` and the date of the newest release.

The tests compare the result with ``ocdsmerge`` (the reference implementation, a test-only
dependency through ocdskit) on the schema patched with the bids and lots extensions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = ["compile_release", "merge_into"]

_OMIT: Final = frozenset({"id", "date", "tag"})
_WHOLE_LIST: Final = frozenset({"additionalIdentifiers", "additionalClassifications"})


def merge_into(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    """Merge ``source`` (one release's fields) into ``target`` in place."""
    for key, value in source.items():
        if value is None:
            if not isinstance(target.get(key), (dict, list)):
                target.pop(key, None)
        elif isinstance(value, dict):
            if value:
                current = target.get(key)
                if not isinstance(current, dict):
                    current = target[key] = {}
                merge_into(current, value)
        elif isinstance(value, list):
            if not value:
                continue
            if key in _WHOLE_LIST or not all(isinstance(item, dict) for item in value):
                target[key] = copy.deepcopy(value)
                continue
            current = target.get(key)
            if not isinstance(current, list):
                current = target[key] = []
            by_id = {item["id"]: item for item in current if isinstance(item, dict) and "id" in item and _hashable(item["id"])}
            for item in value:
                ident = item.get("id")
                if "id" in item and _hashable(ident) and ident in by_id:
                    merge_into(by_id[ident], item)
                    continue
                new: dict[str, Any] = {}
                if "id" in item:
                    new["id"] = ident
                merge_into(new, {k: v for k, v in item.items() if k != "id"})
                current.append(new)
                if "id" in item and _hashable(ident):
                    by_id[ident] = new
        else:
            target[key] = value


def _hashable(value: object) -> bool:
    return isinstance(value, (str, int, float, bool))


def compile_release(releases: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The compiled release of the releases of one contracting process."""
    ordered = sorted(releases, key=lambda r: r["date"])
    if not ordered:
        raise ValueError("no releases to compile")
    fields: dict[str, Any] = {}
    for release in ordered:
        merge_into(fields, {k: v for k, v in release.items() if k not in _OMIT})
    last = ordered[-1]
    return {"tag": ["compiled"], "id": f"{last['ocid']}-{last['date']}", "date": last["date"], **fields}
