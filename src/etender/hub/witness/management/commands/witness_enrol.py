"""Bind a log origin to a registered platform before its first checkpoint arrives (otherwise bound on first use)."""

from django.core.management.base import BaseCommand, CommandError

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.hub.exchange.models import Platform
from etender.hub.witness import services


class Command(BaseCommand):
    help = "Bind a platform's log origin (GET /api/log/checkpoint of the platform: `origin`) to the platform at the witness."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the platform's credit code")
        parser.add_argument("origin", help="the log's origin, e.g. platform-a.example/audit/v1")

    def handle(self, *args, **o):
        platform = Platform.objects.filter(code=o["code"]).first()
        if platform is None:
            raise CommandError(f"no platform {o['code']}")
        try:
            log = services.log_enrol(actor=Actor.system("manage"), platform=platform, origin=o["origin"])
        except RuleViolation as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{log.origin} -> {platform.code}")
