"""OCDS 1.1 release and record packages around the releases of the selectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from etender.kernel import clock

from . import conf
from .mapping import EXTENSIONS, OCDS_VERSION, release_date
from .merge import compile_release


def _published(releases: Sequence[dict[str, Any]]) -> str:
    """publishedDate of a package made on demand: the newest release in it (now when it is empty)."""
    return max((r["date"] for r in releases), default=None) or release_date(clock.now())


def _envelope(uri: str, policy_url: str, published: str) -> dict[str, Any]:
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published,
        "publisher": conf.publisher(),
        "extensions": list(EXTENSIONS),
        "publicationPolicy": policy_url,
    }
    if lic := conf.license_url():
        package["license"] = lic
    return package


def release_package(releases: list[dict[str, Any]], *, uri: str, policy_url: str, next_url: str) -> dict[str, Any]:
    """``links.next`` follows the OCDS pagination convention (the package schema of 1.1.5 does not define ``links``)."""
    return {**_envelope(uri, policy_url, _published(releases)), "releases": releases, "links": {"next": next_url}}


def record_package(ocid: str, releases: list[dict[str, Any]], *, uri: str, policy_url: str, package_url: str) -> dict[str, Any]:
    """One record with its releases embedded (oldest first) and the compiled release."""
    record = {"ocid": ocid, "releases": releases, "compiledRelease": compile_release(releases)}
    return {**_envelope(uri, policy_url, _published(releases)), "packages": [package_url], "records": [record]}
