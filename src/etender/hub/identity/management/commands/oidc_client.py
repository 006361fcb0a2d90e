"""Register or update a platform as an OpenID Connect client of the hub (used by `etender demo` and operators).

    etender manage hub --name hub oidc_client --client-id trading-a --title "之江交易平台" \
        --redirect-uri https://a.example/sso/callback/ --post-logout-redirect-uri https://a.example/ \
        --secret-file /run/secrets/trading-a-sso
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etender.hub.identity import services
from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation, RuleViolations


class Command(BaseCommand):
    help = "Register (or update) a trading or supervision platform as an OIDC client: code flow with PKCE, RS256 ID tokens."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--title", dest="display", default="", help="the platform's name shown to users")
        parser.add_argument("--redirect-uri", action="append", required=True, help="the platform's /sso/callback/ address (repeatable)")
        parser.add_argument("--post-logout-redirect-uri", action="append", default=[], help="where the hub may send users back after signing out (repeatable)")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--secret", help="the client secret (prefer --secret-file: arguments are visible to other local users)")
        group.add_argument("--secret-file", help="a file holding the client secret")
        parser.add_argument("--ask-consent", action="store_true", help="a third-party client: users are asked before their data is shared")

    def handle(self, *args, **o):
        secret = o["secret"] or Path(o["secret_file"]).read_text().strip()
        try:
            app = services.oidc_client_register(
                actor=Actor.system("manage"),
                client_id=o["client_id"],
                name=o["display"] or o["client_id"],
                redirect_uris=o["redirect_uri"],
                post_logout_redirect_uris=o["post_logout_redirect_uri"],
                secret=secret,
                skip_authorization=not o["ask_consent"],
            )
        except (RuleViolation, RuleViolations) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{app.client_id} {' '.join(app.redirect_uris.split())}")
