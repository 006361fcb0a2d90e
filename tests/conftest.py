import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def ecosystem(tmp_path_factory):
    """The whole demo ecosystem on free ports, started once for the system tests that need it (tests/ecosystem.py)."""
    from ecosystem import start

    eco = start(tmp_path_factory.mktemp("ecosystem") / "demo")
    yield eco
    eco.stop()
