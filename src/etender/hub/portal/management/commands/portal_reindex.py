"""Rebuild the disclosure index from the current exchange records (e.g. after changing the dictionary)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from etender.kernel.audit.actors import Actor


class Command(BaseCommand):
    help = "Rebuild the portal's index of published records from the exchange records."

    def handle(self, *args, **options):
        from etender.hub.portal.services import disclosure_reindex

        n = disclosure_reindex(actor=Actor.system("portal_reindex"))
        self.stdout.write(f"portal: {n} records indexed")
