"""Domain events, published after the business transaction commits.

Services call :func:`publish_on_commit`; subscribers registered with
:func:`subscribe` run once the transaction is durable (never for a
rolled-back change).  The trading platform's outbox to the hub builds on
this in a later issue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], None]
_handlers: list[tuple[str, Handler]] = []


def subscribe(prefix: str, handler: Handler) -> Callable[[], None]:
    """Call ``handler(name, payload)`` for events whose name starts with prefix; returns an unsubscribe function."""
    entry = (prefix, handler)
    _handlers.append(entry)
    return lambda: _handlers.remove(entry) if entry in _handlers else None


def _dispatch(name: str, payload: dict[str, Any]) -> None:
    for prefix, handler in list(_handlers):
        if name.startswith(prefix):
            try:
                handler(name, payload)
            except Exception:  # a subscriber must never undo a committed change
                log.exception("event handler failed for %s", name)


def publish_on_commit(name: str, payload: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _dispatch(name, payload))
