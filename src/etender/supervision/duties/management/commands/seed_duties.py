"""Fill the default published duties of five Zhejiang departments (电子办法 47)."""

from django.core.management.base import BaseCommand

from etender.kernel.audit.actors import Actor

from ...seed_data import DEPARTMENTS
from ...services import duties_seed


class Command(BaseCommand):
    help = "Create the default supervising departments of Zhejiang and their published duties; existing texts are kept unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="put the default texts back over edited ones")

    def handle(self, *args, force: bool = False, **options):
        result = duties_seed(actor=Actor.system("seed_duties"), departments=DEPARTMENTS, force=force)
        created = ", ".join(result.departments_created) or "none"
        self.stdout.write(f"seed_duties: departments created: {created}; sections written: {result.sections_written}")
