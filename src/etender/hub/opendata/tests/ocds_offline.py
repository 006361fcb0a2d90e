"""lib-cove-ocds, the OCDS validator, without network: the standard and the extensions from ../shared/data/ocds.

libcoveocds takes the standard from a ZIP (``LibCoveOCDSConfig({"standard_zip": ...})``), but it
fetches the extensions a package lists through ``ocdsextensionregistry`` (which turns
``…/ocds_bid_extension/v1.1.5/extension.json`` into the GitHub archive
``…/archive/v1.1.5.zip``), and a record package makes ``jsonref`` fetch the versioned-release
schema of the standard.  A failed fetch is *not* a validation error: the extension is reported
as ``invalid_extension: fetching failed`` and its fields are skipped as "additional fields".

:func:`offline` therefore answers those requests from the local copies at the transport level
(``requests.adapters.HTTPAdapter.send``) and refuses every other request; :func:`validate`
runs libcoveocds inside it and fails the test if anything was refused or an extension was not
applied.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

DATA = Path(os.environ.get("ETENDER_OCDS_DATA", Path(__file__).resolve().parents[6] / "shared" / "data" / "ocds"))
STANDARD_ZIP = DATA / "ocds-standard-1__1__5-schema.zip"
_GITHUB = "https://github.com/open-contracting-extensions/"


def _extension_zip(directory: Path) -> bytes:
    """The extension as GitHub serves it: one top-level directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("extension/", "")
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                z.write(path, "extension/" + path.relative_to(directory).as_posix())
    return buf.getvalue()


def _standard_file(name: str) -> bytes:
    with zipfile.ZipFile(STANDARD_ZIP) as z:
        return z.read(f"standard-1__1__5/schema/{name}")


LOCAL = {
    _GITHUB + "ocds_bid_extension/archive/v1.1.5.zip": lambda: _extension_zip(DATA / "ocds_bid_extension-v1.1.5"),
    _GITHUB + "ocds_lots_extension/archive/v1.1.5.zip": lambda: _extension_zip(DATA / "ocds_lots_extension-v1.1.5"),
    "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json": lambda: _standard_file("versioned-release-validation-schema.json"),
}


@contextlib.contextmanager
def offline() -> Iterator[dict[str, list[str]]]:
    """Serve the local copies, refuse everything else; yields ``{"served": [...], "refused": [...]}``."""
    log: dict[str, list[str]] = {"served": [], "refused": []}
    original = HTTPAdapter.send

    def send(self, request, **kwargs):
        if request.url in LOCAL:
            log["served"].append(request.url)
            raw = urllib3.HTTPResponse(body=io.BytesIO(LOCAL[request.url]()), status=200, reason="OK", preload_content=False, request_url=request.url)
            return self.build_response(request, raw)
        log["refused"].append(request.url)
        raise requests.ConnectionError(f"offline test: {request.url} refused")

    HTTPAdapter.send = send
    try:
        yield log
    finally:
        HTTPAdapter.send = original


def validate(package: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """libcoveocds' result for ``package``; asserts that it ran offline with every extension applied."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    assert STANDARD_ZIP.is_file(), f"OCDS standard not found at {STANDARD_ZIP}"
    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(), "context": "api"})
    with offline() as log:
        result = ocds_json_output(str(tmp_path), json_data=package, lib_cove_ocds_config=config)
    assert log["refused"] == [], f"libcoveocds tried the network: {log['refused']}"
    extensions = result["extensions"]
    assert extensions["invalid_extension"] == {} and extensions["is_extended_schema"], extensions
    assert sorted(e["url"] for e in extensions["extensions"]) == sorted(package.get("extensions", [])), extensions
    assert all(e["failed_codelists"] == {} for e in extensions["extensions"]), extensions
    return result


def patched_release_schema() -> dict[str, Any]:
    """The 1.1.5 release schema with the bids and lots extensions merged in (JSON Merge Patch, as the profile builder does)."""
    import json

    import json_merge_patch

    schema = json.loads(_standard_file("release-schema.json"))
    for ext in ("ocds_bid_extension-v1.1.5", "ocds_lots_extension-v1.1.5"):
        json_merge_patch.merge(schema, json.loads((DATA / ext / "release-schema.json").read_text(encoding="utf-8")))
    return schema
