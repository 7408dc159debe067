"""Evidence items and files for tests, made through the services as a worker would."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from portfolios.demo import minimal_pdf
from portfolios.services import evidence_item_create, evidence_item_delete, evidence_uploads_stage


def text_file(name="notes.txt", text="Supervision notes."):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def pdf_file(name="certificate.pdf", text="Evidence"):
    return SimpleUploadedFile(name, minimal_pdf(text), content_type="application/pdf")


def make_item(owner, *, files=(), title="Direct work with a sibling group", **values):
    staged, refusals = evidence_uploads_stage(files=list(files))
    assert not refusals, refusals
    defaults = {
        "kind": "case_example",
        "title": title,
        "dated": datetime.date(2025, 3, 27),
        "reflection": "I planned the session with the children's views at the centre.",
        "case_reference": "",
        "is_certificate": False,
    }
    return evidence_item_create(owner=owner, files=staged, **(defaults | values))


def own_item(owner):
    return {"pk": make_item(owner).pk}


def own_binned_item(owner):
    item = make_item(owner)
    evidence_item_delete(item=item, actor=owner)
    return {"pk": item.pk}


def own_file(owner):
    item = make_item(owner, files=[text_file()])
    return {"pk": item.files.get().pk}


def new_worker(username="new.worker", organisation_slug="medway"):
    """A worker with an empty library (the demo workers have demo ones)."""
    from careerpath.models import Organisation, Role, RoleMembership, User

    organisation = Organisation.objects.get(slug=organisation_slug)
    person = User.objects.create(
        username=username, first_name="Sam", last_name="Reid", organisation=organisation
    )
    RoleMembership.objects.create(user=person, organisation=organisation, role=Role.WORKER)
    return person
