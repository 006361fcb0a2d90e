from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import hub_identity_of


@login_required
def me(request):
    """Who is signed in: for market entities' users, the entity as the public service platform knows it."""
    return render(request, "people/me.html", {"identity": hub_identity_of(request.user), "nav": "me"})
