"""Settings of the open-data publication (Django settings first, then environment variables of the same name).

``ETENDER_OCID_PREFIX``            the OCDS ocid prefix registered for this publisher (``ocds-`` + 6 letters or digits).
                                   The default ``ocds-xxxxxx`` is a placeholder: register a prefix with the Open
                                   Contracting Partnership and set it before publishing.
``ETENDER_OCDS_PUBLISHER_NAME``    publisher name (default: the hub's title)
``ETENDER_OCDS_PUBLISHER_UID``     the operator's 统一社会信用代码 (default: the ocid prefix)
``ETENDER_OCDS_LICENSE``           URL of the licence of the data (default: none stated)
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from etender.kernel import codes

from .mapping import Context

PLACEHOLDER_PREFIX: Final = "ocds-xxxxxx"
_PREFIX_RE: Final = re.compile(r"ocds-[a-z0-9]{6}")


def _setting(name: str) -> str | None:
    value = getattr(settings, name, None) or os.environ.get(name)
    return str(value).strip() if value else None


def ocid_prefix() -> str:
    prefix = _setting("ETENDER_OCID_PREFIX") or PLACEHOLDER_PREFIX
    if not _PREFIX_RE.fullmatch(prefix):
        raise ImproperlyConfigured(f"ETENDER_OCID_PREFIX must be 'ocds-' and 6 lower-case letters or digits, got {prefix!r}")
    return prefix


def context() -> Context:
    """The mapping context: ocid prefix and a key (derived from the instance secret) for hashed party ids."""
    secret = hashlib.sha256(b"etender.opendata.party-id|" + settings.SECRET_KEY.encode()).digest()
    return Context(prefix=ocid_prefix(), secret=secret)


def publisher() -> dict[str, Any]:
    name = _setting("ETENDER_OCDS_PUBLISHER_NAME") or getattr(settings, "ETENDER_TITLE", "") or "etender"
    uid = _setting("ETENDER_OCDS_PUBLISHER_UID")
    if uid and codes.is_valid_uscc(codes.normalize_uscc(uid)):
        uid = codes.normalize_uscc(uid)
        return {"name": name, "scheme": "CN-SAIC" if uid[0] == "9" else "CN-USCC", "uid": uid}
    return {"name": name, "uid": uid or ocid_prefix()}


def license_url() -> str | None:
    return _setting("ETENDER_OCDS_LICENSE")
