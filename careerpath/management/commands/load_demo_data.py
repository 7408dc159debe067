from django.conf import settings
from django.core.management.base import BaseCommand

from careerpath.demo import demo_data_load
from careerpath.models import Role
from careerpath.permissions import roles_of


class Command(BaseCommand):
    help = "Load the demo councils, teams and people in every role. Safe to run again."

    def handle(self, *args, **options):
        people = demo_data_load()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(people)} people."))
        self.stdout.write(
            f"Sign in with any of these usernames and the password: {settings.DEMO_PASSWORD}"
        )
        for person in people:
            roles = ", ".join(Role(role).label for role in sorted(roles_of(person)))
            self.stdout.write(f"  {person.username:<34} {person.organisation.name}: {roles}")
