from __future__ import annotations

import pytest

from etender.hub.opendata.testing import SignedPlatform
from etender.kernel.audit.actors import Actor

ACTOR = Actor.system("test")
PREFIX = "ocds-e7t3nd"


@pytest.fixture(autouse=True)
def ocid_prefix(settings):
    settings.ETENDER_OCID_PREFIX = PREFIX
    return PREFIX


@pytest.fixture
def platform(db):
    p = SignedPlatform(1)
    p.register(ACTOR)
    return p


def send(platform: SignedPlatform, envelopes: list[dict]) -> dict:
    return platform.send(ACTOR, envelopes)
