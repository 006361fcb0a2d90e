"""Demo: the staff accounts ``fgw`` and ``zjt`` become heads of their departments (they read the access log)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from etender.kernel.audit.actors import Actor
from etender.supervision.duties.models import DepartmentStaff

from ...services import head_add


class Command(BaseCommand):
    help = "Make the demo department staff heads of their departments (idempotent)."

    def handle(self, *args, **options):
        actor = Actor.system("seed")
        users = get_user_model().objects.filter(username__in=["fgw", "zjt"])
        for staff in DepartmentStaff.objects.filter(user__in=users).select_related("department", "user"):
            head_add(actor=actor, department=staff.department, user=staff.user)
        self.stdout.write("monitor demo: heads " + ", ".join(sorted(u.username for u in users)))
