"""Procedure types are plugins: a new one is added without touching the core."""

from __future__ import annotations

import sys
import types

import pytest

from etender.kernel.errors import RuleViolation
from etender.trading import testing
from etender.trading.bids import services as bid_services
from etender.trading.procedures import base

pytestmark = pytest.mark.django_db

PLUGIN = '''
from etender.kernel.errors import RuleViolation
from etender.trading.procedures.base import Procedure, register

INVITED = set()

class InvitedTender(Procedure):
    """邀请招标: only invited bidders may bid (招标投标法 17)."""
    key = "invited-test"
    tender_mode = "2"
    name_zh = "邀请招标"
    name_en = "Invited tendering"

    def may_bid(self, tender, entity):
        if entity.credit_code not in INVITED:
            return RuleViolation("E006", detail_zh="未受邀请", detail_en="not invited")
        return None

register(InvitedTender())
'''


@pytest.fixture
def invited_plugin(settings):
    module = types.ModuleType("etender_test_invited")
    exec(compile(PLUGIN, "etender_test_invited.py", "exec"), module.__dict__)
    sys.modules["etender_test_invited"] = module
    settings.ETENDER_PROCEDURES = [*settings.ETENDER_PROCEDURES, "etender_test_invited"]
    base.load()
    yield module
    base._registry.pop("invited-test", None)
    sys.modules.pop("etender_test_invited", None)


def test_a_new_procedure_plugs_in_through_settings(invited_plugin, tenderer, bidders):
    assert "invited-test" in {p.key for p in base.available()}
    tender = testing.published_tender(tenderer, lots=1, data={"procedure": "invited-test"})
    lot = tender.lots.get()
    invited_plugin.INVITED.add(bidders[0].entity.credit_code)
    data, _ = testing.seal_bid(bidders[0], lot)
    bid_services.bid_submit(actor=bidders[0].actor, entity=bidders[0].entity, lot=lot, file=testing.upload(data))
    data, _ = testing.seal_bid(bidders[1], lot)
    with pytest.raises(RuleViolation) as exc:
        bid_services.bid_submit(actor=bidders[1].actor, entity=bidders[1].entity, lot=lot, file=testing.upload(data))
    assert exc.value.code == "E006"


def test_unknown_procedure_is_a_coded_error(tenderer):
    with pytest.raises(RuleViolation) as exc:
        base.get("no-such-procedure")
    assert exc.value.code == "E001"
