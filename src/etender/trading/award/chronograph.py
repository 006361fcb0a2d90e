"""Time events of the award stage, applied by the worker (PERIODIC["trading"]); idempotent.

- the end of each candidate publicity (when not paused by an objection);
- objections not answered within 3 days (flagged once, the objector is told);
- overdue contract (E145), refunds (E146) and written report (E148), flagged once each;
- the hub's reveal of the draw seed after the result, retried until it succeeds.

Each object is handled under its row lock and its events are recomputed from the stored state, so
running the tick twice, or from two workers, changes nothing the second time.
"""

from __future__ import annotations

from etender.kernel import clock

from . import services
from .models import Award, Objection, Publicity


def tick(*, limit: int = 500) -> int:
    now = clock.now()
    applied = 0
    for pk in list(Publicity.objects.filter(next_check__lte=now).order_by("next_check").values_list("pk", flat=True)[:limit]):
        applied += services.publicity_apply_time_events(publicity=Publicity(pk=pk))
    for pk in list(Objection.objects.filter(status=Objection.Status.PENDING, overdue_flagged_at__isnull=True, answer_due__lte=now).values_list("pk", flat=True)[:limit]):
        applied += int(services.objection_flag_overdue(objection=Objection(pk=pk)))
    for pk in list(Award.objects.filter(next_check__lte=now).order_by("next_check").values_list("pk", flat=True)[:limit]):
        applied += services.award_apply_time_events(award=Award(pk=pk))
    for pk in list(Award.objects.filter(result_published_at__isnull=False, draw_revealed_at__isnull=True).values_list("pk", flat=True)[:limit]):
        services.reveal_draw_for(award_id=pk)
    return applied
