from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "portal/home.html", {"nav": "home"})


LOGIN_CONTEXT = {
    "base_template": "portal/base.html",
    "login_note": gettext_lazy("For the operators of this platform. Public information needs no account."),
}
