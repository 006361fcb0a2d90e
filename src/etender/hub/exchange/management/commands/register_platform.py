"""Register (and optionally activate) a platform from the command line: used by `etender demo` and operators."""

from django.core.management.base import BaseCommand, CommandError

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.hub.exchange import services
from etender.hub.exchange.models import Platform


class Command(BaseCommand):
    help = "Register a trading or supervision platform with its signing public key."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("public_key")
        parser.add_argument("--kind", default="trading")
        parser.add_argument("--url", default="")
        parser.add_argument("--region", default="", help="supervision platforms: their jurisdiction, e.g. 330000")
        parser.add_argument("--activate", action="store_true")

    def handle(self, *args, **o):
        actor = Actor.system("manage")
        platform = Platform.objects.filter(code=o["code"]).first()
        try:
            if platform is None:
                platform = services.platform_register(actor=actor, code=o["code"], name=o["name"], kind=o["kind"], url=o["url"], public_key=o["public_key"], region_code=o["region"])
            if o["activate"] and platform.status != Platform.Status.ACTIVE:
                services.platform_set_status(actor=actor, platform=platform, status=Platform.Status.ACTIVE)
        except RuleViolation as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{platform.code} {platform.status}")
