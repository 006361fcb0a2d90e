"""Set a registered platform's status (hub staff): etender manage hub platform_status CODE active|suspended."""

from django.core.management.base import BaseCommand, CommandError

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.hub.exchange import services
from etender.hub.exchange.models import Platform


class Command(BaseCommand):
    help = "Activate or suspend a registered platform."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("status", choices=[s for s in Platform.Status.values])

    def handle(self, *args, **opts):
        platform = Platform.objects.filter(code=opts["code"]).first()
        if platform is None:
            raise CommandError(f"no platform {opts['code']}")
        try:
            services.platform_set_status(actor=Actor.system("manage"), platform=platform, status=opts["status"])
        except RuleViolation as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{platform.code} {platform.status}")
