"""Applications and submissions for tests: an open application of one's own, and a submitted
one with its portfolio PDF stored."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from careerpath.models import Organisation
from frameworks.models import FrameworkStatus, ProgressionRoute
from portfolios.applications.pdf import portfolio_pdf_key
from portfolios.models import CLOSED_STATES, Application, Submission


def route_of(code):
    return ProgressionRoute.objects.select_related("framework").get(
        code=code, framework__status=FrameworkStatus.PUBLISHED
    )


def open_application(owner, route=None, **values):
    """The owner's open application on a route of their council (made once per route)."""
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    if route is None:
        route = (
            ProgressionRoute.objects.filter(
                framework__organisation=organisation, framework__status=FrameworkStatus.PUBLISHED
            )
            .order_by("framework__slug", "order")
            .first()
        )
    application = (
        Application.objects.filter(applicant=owner, route=route)
        .exclude(state__in=CLOSED_STATES)
        .first()
    )
    if application is None:
        application = Application.objects.create(
            applicant=owner, organisation=organisation, route=route, **values
        )
    elif values:
        Application.objects.filter(pk=application.pk).update(**values)
        application.refresh_from_db()
    return application


def own_application(owner):
    return {"pk": open_application(owner).pk}


def own_submission(owner):
    """A submission of the owner's application with its PDF already stored."""
    application = open_application(owner)
    submission = Submission.objects.create(
        application=application,
        number=application.submissions.count() + 1,
        snapshot={"application": {"id": application.pk}},
        digest=f"{application.pk:064d}",
        submitted_by=owner,
    )
    key = portfolio_pdf_key(submission)
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(b"%PDF-1.4\n% test\n"))
    Submission.objects.filter(pk=submission.pk).update(pdf_key=key, pdf_rendered_at=timezone.now())
    return {"pk": submission.pk}
