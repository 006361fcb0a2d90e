"""Seed the supervision demo (used by `etender demo`; idempotent).

The default duties of five Zhejiang departments (see ``seed_duties``), a
superuser ``admin`` and two department staff: ``fgw`` (浙江省发展和改革委员会)
and ``zjt`` (浙江省住房和城乡建设厅).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from etender.kernel.audit.actors import Actor

from ...models import Department
from ...seed_data import DEPARTMENTS
from ...services import department_staff_add, duties_seed

DEMO_PASSWORD = "Demo-2026!"
STAFF = [("fgw", "省发展改革委工作人员", "zj-fgw"), ("zjt", "省住房城乡建设厅工作人员", "zj-jst")]


class Command(BaseCommand):
    help = "Seed the default duties, an admin and two department staff accounts (idempotent)."

    def handle(self, *args, **options):
        actor = Actor.system("seed_demo")
        result = duties_seed(actor=actor, departments=DEPARTMENTS)
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD, first_name="平台管理员")
        for username, full_name, code in STAFF:
            user = User.objects.filter(username=username).first() or User.objects.create_user(username, f"{username}@example.invalid", DEMO_PASSWORD, first_name=full_name)
            department_staff_add(actor=actor, department=Department.objects.get(code=code), user=user)
        self.stdout.write(f"supervision demo: departments created: {len(result.departments_created)}; accounts admin, fgw, zjt")
