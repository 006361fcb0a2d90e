from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from etender.kernel import clock


def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        db = "ok"
    except Exception as exc:  # report, do not raise: this is the health probe
        db = f"error: {type(exc).__name__}"
    status = 200 if db == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "degraded",
            "service": settings.ETENDER_SERVICE,
            "instance": settings.ETENDER_INSTANCE,
            "database": db,
            "vendor": connection.vendor,
            "time": clock.now().isoformat(),
        },
        status=status,
    )
