from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import keys, selectors


@require_GET
def index(request):
    """Witnessed logs and alerts: public (docs/witness.md)."""
    return render(
        request,
        "witness/index.html",
        {
            "nav": "witness",
            "witness_name": keys.witness_name(),
            "verifier_key": keys.verifier_key(),
            "logs": list(selectors.logs_public()),
            "alerts": list(selectors.alerts_recent()),
        },
    )
