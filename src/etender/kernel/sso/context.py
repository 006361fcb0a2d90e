"""Template context: ``sso_login_url`` when single sign-on with the hub is configured (the login page shows the button)."""

from django.urls import reverse

from .conf import config


def sso(request):
    return {"sso_login_url": reverse("sso_login")} if config() is not None else {}
