"""Seed the hub demo (used by `etender demo`; idempotent): a superuser ``admin``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "Demo-2026!"


class Command(BaseCommand):
    help = "Create the demo administrator account (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD, first_name="平台管理员")
        self.stdout.write("hub demo: account admin")
