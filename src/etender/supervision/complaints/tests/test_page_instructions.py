"""The complaint page leads the regulator from the suspension it ordered to that instruction's tracking page."""

from __future__ import annotations

import re

from django.test import Client

from .. import services
from ..models import Complaint
from .conftest import PASSWORD, actor_for, lodge_kwargs


def test_suspension_badge_links_to_the_instruction_and_actions_are_buttons(clock, tender, bidder, regulator):
    c = services.complaint_lodge(actor=actor_for(bidder), **lodge_kwargs())
    c = services.complaint_accept(actor=actor_for(regulator), complaint=c)
    staff = Client()
    assert staff.login(username=regulator.username, password=PASSWORD)
    r = staff.post(f"/complaints/{c.number}/suspend-tender/", {"reason": "投诉处理期间暂停招标投标活动。"})
    assert r.status_code == 302, r.content.decode()[:2000]
    ref = Complaint.objects.get(pk=c.pk).suspension_ref
    assert ref
    page = staff.get(f"/complaints/{c.number}/").content.decode()
    badge = re.search(r'<a class="badge warn" id="tender-suspended" href="([^"]+)">', page)
    assert badge and badge.group(1) == f"/directives/{ref}/"
    tracking = staff.get(badge.group(1))
    assert tracking.status_code == 200 and 'id="directive-status"' in tracking.content.decode()
    # the page's actions look like the platform's other buttons
    assert 'class="btn" id="resume-tender-btn"' in page and 'class="btn" id="decide-btn"' in page
