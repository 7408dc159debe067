from django.core.management.base import BaseCommand, CommandError

from frameworks.importing import framework_export
from frameworks.models import Framework


class Command(BaseCommand):
    help = "Export a framework version as its YAML file (to standard output, or --output)."

    def add_arguments(self, parser):
        parser.add_argument("organisation_slug")
        parser.add_argument("framework_slug")
        parser.add_argument(
            "--framework-version",
            type=int,
            dest="framework_version",
            help="Defaults to the latest version.",
        )
        parser.add_argument("--output", help="A file to write instead of standard output.")

    def handle(
        self, *args, organisation_slug, framework_slug, framework_version=None, output=None, **_
    ):
        frameworks = Framework.objects.filter(
            organisation__slug=organisation_slug, slug=framework_slug
        ).order_by("-version")
        if framework_version is not None:
            frameworks = frameworks.filter(version=framework_version)
        framework = frameworks.first()
        if framework is None:
            raise CommandError("No such framework version.")
        text = framework_export(framework=framework)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
