from __future__ import annotations

from django.conf import settings


class ClientAddressMiddleware:
    """Sets ``request.client_ip`` for the audit log (电子办法 49).

    Behind a reverse proxy list its address in ``ETENDER_TRUSTED_PROXIES``;
    only then is ``X-Forwarded-For`` believed.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = set(getattr(settings, "ETENDER_TRUSTED_PROXIES", ()))

    def __call__(self, request):
        remote = request.META.get("REMOTE_ADDR")
        ip = remote
        if remote in self.trusted:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                ip = hops[-1]
        request.client_ip = ip
        return self.get_response(request)


class RuleViolationMiddleware:
    """A coded refusal that reaches a web view's caller becomes a coded error page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from etender.kernel.errors import RuleViolation, RuleViolations, violations_of

        if isinstance(exception, (RuleViolation, RuleViolations)):
            return render(request, "etender/error.html", {"violations": violations_of(exception)}, status=exception.status)
        return None


class UploadLimitMiddleware:
    """Refuse a request body larger than ``ETENDER_MAX_REQUEST_BYTES`` before Django spools it to disk (E004).

    Put the same limit in front of the service (reverse proxy ``client_max_body_size``) in production.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = int(getattr(settings, "ETENDER_MAX_REQUEST_BYTES", 2 * 1024**3 + 16 * 1024**2))

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            from django.http import JsonResponse

            from etender.kernel.errors import RuleViolation

            v = RuleViolation("E004", detail_zh=f"请求不得超过{self.limit // 1024**2} MB", detail_en=f"requests are limited to {self.limit // 1024**2} MB")
            body = v.as_dict()
            body["errors"] = [dict(body)]
            return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)
