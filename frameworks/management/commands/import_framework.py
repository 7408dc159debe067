from django.core.management.base import BaseCommand, CommandError

from careerpath.models import Organisation
from frameworks.importing import ImportProblems, framework_import_file


class Command(BaseCommand):
    help = "Import a framework from its YAML file as a new version. Reports every problem."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--organisation", help="Load it for this organisation instead.")

    def handle(self, *args, path, organisation=None, **options):
        override = None
        if organisation:
            override = Organisation.objects.filter(name=organisation).first()
            if override is None:
                raise CommandError(f"No organisation called '{organisation}'.")
        try:
            framework = framework_import_file(path=path, organisation=override)
        except ImportProblems as problems:
            raise CommandError("\n".join(problems.problems)) from problems
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {framework} for {framework.organisation}."))
