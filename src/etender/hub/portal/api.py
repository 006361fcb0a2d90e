"""Status of the public service platform."""

from __future__ import annotations

from importlib import metadata

from django.conf import settings
from ninja import Router, Schema

router = Router(tags=["status"])


def _version() -> str:
    try:
        return metadata.version("etender")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


class StatusOut(Schema):
    service: str
    instance: str
    version: str


@router.get("/status", response=StatusOut, auth=None, summary="Which service and version answers")
def status(request):
    return {"service": settings.ETENDER_SERVICE, "instance": settings.ETENDER_INSTANCE, "version": _version()}
