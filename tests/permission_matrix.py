"""Who may reach every URL in the service.

Every URL pattern must have an entry here; a pattern without one fails the matrix test, so no page
can be added without saying who may see it. Entries name a URL by "namespace:name"; a namespace
wildcard ("admin:*") covers a whole included app whose access is checked in one place.

PUBLIC: anyone, signed in or not. SIGNED_IN: anyone signed in. STAFF: anyone with a role in
their organisation. Otherwise: the set of roles that may reach it (SUPERUSER among them for the
service's own administrators).
`own` builds an object belonging to a given person and returns the URL's arguments for it: each
persona is tried with their own object and with someone else's, which answers 404, never 403.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from careerpath.models import Notification, Organisation
from frameworks.models import DevelopmentPlan, Framework, FrameworkStatus
from tests.frameworks.authoring_factories import (
    own_draft_criterion,
    own_draft_kwargs,
    own_draft_level,
    own_draft_part,
    own_draft_role,
    own_draft_route,
)
from tests.frameworks.rule_authoring_factories import own_criterion_rules, own_draft, own_rule
from tests.panels.appeal_factories import own_appeal, own_decision
from tests.panels.booking_factories import (
    application_to_agree,
    own_application_to_book,
    own_booking,
)
from tests.panels.coordinator_booking_factories import application_for_coordinator, own_agenda
from tests.panels.decision_factories import own_application_to_decide
from tests.panels.hr_factories import own_checklist_item, own_hr_decision
from tests.panels.letter_factories import letter_in_council_of, own_letter
from tests.panels.move_factories import own_booking_to_move, own_session_with_late_booking
from tests.panels.pack_factories import own_hearing, own_pack, own_pack_application
from tests.portfolios.application_factories import (
    own_link,
    own_link_target,
    own_route,
    own_section,
)
from tests.portfolios.evidence_factories import own_binned_item, own_file, own_item
from tests.portfolios.next_attempt_factories import own_deferred_application
from tests.portfolios.review_factories import own_application_to_review
from tests.portfolios.submission_factories import own_application, own_submission

PUBLIC = "public"
SIGNED_IN = "signed in"
STAFF = "staff"
SUPERUSER = "superuser"


@dataclass(frozen=True)
class Access:
    who: object  # PUBLIC, SIGNED_IN, STAFF or a frozenset of roles (and SUPERUSER)
    method: str = "get"
    # For a URL about one object: function(owner) making such an object, returning URL kwargs.
    own: object = None
    # The status a permitted request answers, and the one a signed-in person gets when it
    # differs (the sign-in page sends people already signed in to their home page).
    ok_status: int = 200
    ok_status_signed_in: int | None = None
    # Extra names a wildcard entry is checked at, with their kwargs.
    samples: tuple = ()
    # False for a URL that answers a file to download, not a page: the browser crawl skips it.
    page: bool = True


def _own_delegation(owner):
    """Cover the owner gave a colleague of their council (made directly: people who may not
    arrange cover get their 403 before the object is read)."""
    import datetime

    from django.utils import timezone

    from careerpath.models import Delegation, User

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    someone = User.objects.filter(organisation=organisation).exclude(pk=owner.pk).first()
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        organisation=organisation, delegator=owner, delegate=someone, starts_on=today,
        ends_on=today + datetime.timedelta(days=7), reason="Annual leave", created_by=owner,
    )  # fmt: skip
    return {"pk": delegation.pk}


def _own_notification(owner):
    notification = Notification.objects.create(recipient=owner, subject="Test", body="Body")
    return {"pk": notification.pk}


def _own_framework(owner):
    # The service's own administrators belong to no council: give them Medway's.
    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    return Framework.objects.filter(
        organisation=organisation, status=FrameworkStatus.PUBLISHED, routes__isnull=False
    ).first()


def _framework(owner):
    return {"pk": _own_framework(owner).pk}


def _role(owner):
    return {"pk": _own_framework(owner).roles.first().pk}


def _route(owner):
    return {"pk": _own_framework(owner).routes.first().pk}


def _level(owner):
    return {"level_pk": _own_framework(owner).routes.first().to_level_id}


def _own_plan(owner):
    level = _own_framework(owner).routes.first().to_level
    return DevelopmentPlan.objects.create(person=owner, target_level=level)


def _plan(owner):
    return {"pk": _own_plan(owner).pk}


def _plan_update(owner):
    plan = _own_plan(owner)
    return {"level_pk": plan.target_level_id, "plan_pk": plan.pk}


def _shared_plan(owner):
    """A plan shared with the owner by someone they line-manage and supervise."""
    from careerpath.models import User

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    person = User.objects.create(
        username=f"managed-by-{owner.username}-{User.objects.count()}",
        organisation=organisation, line_manager=owner, practice_supervisor=owner,
    )  # fmt: skip
    plan = _own_plan(person)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        shared_with_line_manager=True, shared_with_practice_supervisor=True
    )
    return {"pk": plan.pk}


def _own_data_export(owner):
    """The owner's own copy of their data, ready to download (made directly: the zip's contents
    are tested with it)."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from careerpath.models import DataExport

    export = DataExport.objects.create(person=owner, requested_by=owner)
    key = default_storage.save(f"data-exports/{export.pk}/test.zip", ContentFile(b"PK\x05\x06"))
    DataExport.objects.filter(pk=export.pk).update(
        file_key=key, size=4, ready_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )  # fmt: skip
    return {"pk": export.pk}


def _panel_session(owner):
    """A planned session on one of the owner's council's routes (made directly: Medway's routes
    name no panel, so the coordinator's pages would not offer them)."""
    import datetime

    from django.utils import timezone

    from panels.models import PanelSession

    route = _own_framework(owner).routes.select_related("framework").first()
    starts_at = timezone.now() + datetime.timedelta(days=60)
    session = PanelSession.objects.create(
        organisation_id=route.framework.organisation_id, route=route,
        framework_slug=route.framework.slug, route_code=route.code, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3), location="Room 1", capacity=6,
        submission_deadline=timezone.localdate(starts_at) - datetime.timedelta(days=14),
    )  # fmt: skip
    return {"pk": session.pk}


def _observation(owner, *, as_observer):
    """For a worker, a signed observation of their practice; otherwise the owner's own draft
    (made directly: people who may not observe get their 403 before the object is read)."""
    from django.utils import timezone

    from careerpath.models import User
    from portfolios.models import PracticeObservation

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    someone = User.objects.filter(organisation=organisation).exclude(pk=owner.pk).first()
    if not as_observer and owner.role_memberships.filter(role="worker").exists():
        observation = PracticeObservation.objects.create(
            organisation=organisation, worker=owner, observer=someone, rating=3,
            status="signed", signed_at=timezone.now(), observed_on=timezone.localdate(),
        )  # fmt: skip
    else:
        observation = PracticeObservation.objects.create(
            organisation=organisation, worker=someone, observer=owner
        )
    return {"pk": observation.pk}


def _readable_observation(owner):
    return _observation(owner, as_observer=False)


def _draft_observation(owner):
    return _observation(owner, as_observer=True)


def _review_to_reassign(owner):
    """A submitted application of a newcomer in the owner's council, waiting at a review step
    (made directly: a coordinator reassigns what waits, whoever wrote it)."""
    from django.utils import timezone

    from careerpath.models import User
    from portfolios.applications.steps import step_at
    from portfolios.models import Application

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    route = next(
        route
        for route in _own_framework(owner).routes.select_related("framework")
        if step_at(route, "submitted") not in (None, "hear")
    )
    applicant = User.objects.create(
        username=f"under-review-{owner.username}-{User.objects.count()}", organisation=organisation
    )
    application = Application.objects.create(
        applicant=applicant, organisation=organisation, route=route, state="submitted",
        submitted_at=timezone.now(),
    )  # fmt: skip
    return {"pk": application.pk}


def _own_person(owner):
    """A person of the owner's council (the owner themselves): the administrator sees their
    own council's people; another council's answer 404."""
    return {"pk": owner.pk}


def _own_role(owner):
    """One of the owner's roles in their council (a worker's role for someone without one)."""
    from careerpath.models import Role, RoleMembership

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    membership = RoleMembership.objects.filter(user=owner, organisation=organisation).first()
    if membership is None:
        membership = RoleMembership.objects.create(
            user=owner, organisation=organisation, role=Role.WORKER
        )
    return {"pk": owner.pk, "membership_pk": membership.pk}


def _own_staff_import(owner):
    """A staff file previewed in the owner's council (made directly: people who may not import
    staff get their 403 before the upload is read)."""
    from careerpath.models import StaffImport

    organisation = owner.organisation or Organisation.objects.get(slug="medway")
    staff_import = StaffImport.objects.create(
        organisation=organisation, uploaded_by=owner, file_name="staff.csv", digest="0" * 64,
        summary={"rows": 0, "new": 0, "changed": 0, "leavers": 0, "unchanged": 0},
    )  # fmt: skip
    return {"pk": staff_import.pk}


EDITORS = frozenset({"framework_editor"})
COORDINATORS = frozenset({"progression_coordinator"})
PANEL_MEMBERS = frozenset({"panel_member"})
HR = frozenset({"hr"})
ADMINS = frozenset({"organisation_admin"})
MANAGERS = frozenset({"line_manager", "practice_supervisor"})
OBSERVERS = frozenset({"practice_supervisor", "line_manager", "team_manager"})
OBSERVATION_READERS = OBSERVERS | {"worker"}
AGREERS = frozenset({"practice_supervisor", "team_manager", "line_manager"})
# Whose reviews can be covered, and who may cover them.
COVERERS = AGREERS | {"progression_coordinator"}
REVIEWERS = frozenset(
    {"practice_supervisor", "line_manager", "team_manager", "progression_coordinator"}
)

MATRIX = {
    "careerpath:login": Access(PUBLIC, ok_status_signed_in=302),
    # Single sign-on: a council without it has no button to start from (Medway has none in the
    # demo); a callback this browser never started goes back to the sign-in page.
    "careerpath:sso-start": Access(
        PUBLIC,
        ok_status=404,
        ok_status_signed_in=302,
        page=False,
        samples=(("careerpath:sso-start", {"slug": "medway"}),),
    ),
    "careerpath:sso-callback": Access(PUBLIC, ok_status=302, page=False),
    "careerpath:accessibility": Access(PUBLIC),
    "careerpath:home": Access(SIGNED_IN),
    "careerpath:logout": Access(SIGNED_IN, method="post", ok_status=302),
    "careerpath:notification-list": Access(SIGNED_IN),
    "careerpath:notification-open": Access(SIGNED_IN, own=_own_notification),
    "careerpath:notification-mark-all-read": Access(SIGNED_IN, method="post", ok_status=302),
    "careerpath:cover-list": Access(COVERERS),
    "careerpath:cover-create": Access(COVERERS),
    "careerpath:cover-end": Access(COVERERS, method="post", own=_own_delegation, ok_status=302),
    "careerpath:my-data": Access(SIGNED_IN),
    "careerpath:my-data-request": Access(SIGNED_IN, method="post", ok_status=302),
    "careerpath:my-data-download": Access(SIGNED_IN, own=_own_data_export, page=False),
    # The organisation administrator's pages (their own council's people only). A grant with
    # nothing chosen shows the person's page again with the errors.
    "careerpath:people": Access(ADMINS),
    "careerpath:person": Access(ADMINS, own=_own_person),
    "careerpath:person-role-grant": Access(ADMINS, method="post", own=_own_person),
    "careerpath:person-role-remove": Access(ADMINS, own=_own_role),
    "careerpath:audit": Access(ADMINS),
    "careerpath:audit-csv": Access(ADMINS, page=False),
    "careerpath:staff-import": Access(ADMINS),
    "careerpath:staff-import-preview": Access(ADMINS, own=_own_staff_import),
    "frameworks:framework-list": Access(STAFF),
    "frameworks:criteria-search": Access(STAFF),
    "frameworks:self-assessment-start": Access(STAFF),
    "frameworks:standard-set-detail": Access(
        STAFF, samples=(("frameworks:standard-set-detail", {"code": "kss_child_family"}),)
    ),
    "frameworks:framework-detail": Access(STAFF, own=_framework),
    "frameworks:level-compare": Access(STAFF, own=_framework),
    "frameworks:role-detail": Access(STAFF, own=_role),
    "frameworks:route-detail": Access(STAFF, own=_route),
    "frameworks:self-assessment": Access(STAFF, own=_level),
    "frameworks:self-assessment-update": Access(STAFF, own=_plan_update),
    "frameworks:plan-detail": Access(STAFF, own=_plan),
    "frameworks:plan-share": Access(STAFF, method="post", own=_plan, ok_status=302),
    "frameworks:shared-plan-detail": Access(MANAGERS, own=_shared_plan),
    "frameworks:framework-changes": Access(EDITORS, own=_framework),
    "frameworks:framework-publish": Access(EDITORS, method="post", own=_framework, ok_status=302),
    "frameworks:framework-retire": Access(EDITORS, method="post", own=_framework, ok_status=302),
    "frameworks:framework-copy": Access(EDITORS, method="post", own=_framework, ok_status=302),
    # A draft's rules as typed fields (frameworks.views_authoring_rules).
    "frameworks:draft-rule-index": Access(EDITORS, own=own_draft),
    "frameworks:draft-rules": Access(EDITORS, own=own_criterion_rules),
    "frameworks:draft-rule-add": Access(EDITORS, own=own_criterion_rules),
    "frameworks:draft-rule-edit": Access(EDITORS, own=own_rule),
    "frameworks:draft-rule-delete": Access(EDITORS, own=own_rule),
    "frameworks:rule-reading": Access(EDITORS, own=own_draft, page=False),  # plain text
    # A draft written on its own pages (frameworks.views_authoring).
    "frameworks:framework-new": Access(EDITORS),
    "frameworks:draft": Access(EDITORS, own=own_draft_kwargs),
    "frameworks:draft-details": Access(EDITORS, own=own_draft_kwargs),
    "frameworks:draft-roles": Access(EDITORS, own=own_draft_kwargs),
    "frameworks:draft-role-add": Access(EDITORS, own=own_draft_kwargs),
    "frameworks:draft-role-edit": Access(EDITORS, own=own_draft_role),
    "frameworks:draft-levels": Access(EDITORS, own=own_draft_role),
    "frameworks:draft-level-add": Access(EDITORS, own=own_draft_role),
    "frameworks:draft-level-edit": Access(EDITORS, own=own_draft_level),
    "frameworks:draft-criteria": Access(EDITORS, own=own_draft_level),
    "frameworks:draft-criterion-add": Access(EDITORS, own=own_draft_level),
    "frameworks:draft-criterion-edit": Access(EDITORS, own=own_draft_criterion),
    "frameworks:draft-part-move": Access(
        EDITORS, method="post", own=own_draft_part("levels"), ok_status=302
    ),
    "frameworks:draft-part-remove": Access(
        EDITORS, method="post", own=own_draft_part("criteria"), ok_status=302
    ),
    "frameworks:draft-preview": Access(EDITORS, own=own_draft_kwargs),
    "frameworks:draft-preview-role": Access(EDITORS, own=own_draft_role),
    "frameworks:draft-preview-route": Access(EDITORS, own=own_draft_route),
    "frameworks:draft-publish": Access(EDITORS, own=own_draft_kwargs),
    "portfolios:evidence-list": Access(STAFF),
    "portfolios:evidence-create": Access(STAFF),
    "portfolios:evidence-bin": Access(STAFF),
    "portfolios:evidence-detail": Access(STAFF, own=own_item),
    "portfolios:evidence-update": Access(STAFF, own=own_item),
    "portfolios:evidence-delete": Access(STAFF, method="post", own=own_item, ok_status=302),
    "portfolios:evidence-restore": Access(STAFF, method="post", own=own_binned_item, ok_status=302),
    "portfolios:evidence-file-download": Access(STAFF, own=own_file, page=False),
    "portfolios:evidence-file-replace": Access(STAFF, own=own_file),
    "portfolios:observation-list": Access(OBSERVATION_READERS),
    "portfolios:observation-create": Access(OBSERVERS),
    "portfolios:observation-detail": Access(OBSERVATION_READERS, own=_readable_observation),
    "portfolios:observation-update": Access(OBSERVERS, own=_draft_observation),
    "portfolios:observation-sign": Access(OBSERVERS, own=_draft_observation),
    "panels:session-list": Access(COORDINATORS),
    "panels:session-create": Access(COORDINATORS),
    "panels:session-propose": Access(COORDINATORS),
    "panels:session-upcoming": Access(STAFF),
    "panels:session-edit": Access(COORDINATORS, own=_panel_session),
    "panels:session-cancel": Access(COORDINATORS, method="post", own=_panel_session, ok_status=302),
    "panels:session-late": Access(COORDINATORS, own=own_session_with_late_booking),
    "panels:booking-move": Access(COORDINATORS, own=own_booking_to_move),
    "panels:application-book": Access(STAFF, own=own_application_to_book),
    "panels:booking-detail": Access(STAFF, own=own_booking),
    "panels:booking-calendar": Access(STAFF, own=own_booking, page=False),
    "panels:booking-cancel": Access(STAFF, method="post", own=own_booking, ok_status=302),
    # Appeals: anyone with a role sees their own (the appeal authority: every one of the council).
    "panels:outcomes-due": Access(COORDINATORS),
    # Reports: the council's progression coordinators and HR (each report is for their own council).
    "panels:reports": Access(frozenset({"progression_coordinator", "hr"})),
    "panels:report": Access(
        frozenset({"progression_coordinator", "hr"}),
        samples=(("panels:report", {"slug": "progression-by-route"}),),
    ),
    # HR of the council: its decisions, their checklist, the payroll export and letters' zip
    # (with no panel session or month chosen, the zip sends HR back to the list with a message).
    "panels:hr-decisions": Access(HR),
    "panels:hr-decisions-csv": Access(HR, page=False),
    "panels:hr-decision": Access(HR, own=own_hr_decision),
    "panels:hr-checklist": Access(HR),
    "panels:hr-checklist-deactivate": Access(
        HR, method="post", own=own_checklist_item, ok_status=302
    ),
    "panels:hr-letters-zip": Access(HR, ok_status=302, page=False),
    "panels:appeal-list": Access(STAFF),
    "panels:appeal-detail": Access(STAFF, own=own_appeal),
    "panels:decision-appeal": Access(STAFF, own=own_decision),
    # Outcome letters: the worker's own PDF (their team manager and HR of the council too: the
    # letter tests); HR of the decision's council re-issues one.
    "panels:letter-pdf": Access(STAFF, own=own_letter, page=False),
    "panels:letter-reissue": Access(frozenset({"hr"}), own=letter_in_council_of),
    "panels:session-members": Access(COORDINATORS, own=_panel_session),
    # The coordinator's bookings (routes where they book, and new hearings), any application of
    # their council; the agenda: the session's coordinators and members (others with the panel
    # member role get 404).
    "panels:booking-queue": Access(COORDINATORS),
    "panels:coordinator-book": Access(COORDINATORS, own=application_for_coordinator),
    "panels:agenda": Access(COORDINATORS | PANEL_MEMBERS, own=own_agenda),
    # The members of the session only (someone else with the role gets 404).
    "panels:pack": Access(PANEL_MEMBERS, own=own_pack),
    "panels:pack-application": Access(PANEL_MEMBERS, own=own_pack_application),
    # The chair of the session records the decision (a member gets 403, anyone else 404).
    "panels:hearing": Access(PANEL_MEMBERS, own=own_hearing),
    # Whoever holds the decide step now (Medway: the applicant's line manager, or their cover).
    "panels:decision-record": Access(frozenset({"line_manager"}), own=own_application_to_decide),
    "portfolios:agreement-list": Access(AGREERS),
    "portfolios:application-agree": Access(
        AGREERS, method="post", own=application_to_agree, ok_status=302
    ),
    "portfolios:application-list": Access(STAFF),
    "portfolios:application-start-choose": Access(STAFF),
    "portfolios:application-start": Access(STAFF, own=own_route),
    "portfolios:application-detail": Access(STAFF, own=own_application),
    "portfolios:application-section": Access(STAFF, own=own_section),
    "portfolios:application-links": Access(STAFF, own=own_link_target),
    "portfolios:application-link-remove": Access(STAFF, method="post", own=own_link, ok_status=302),
    # With nothing written the page shows again with the error (the worker's own page).
    "portfolios:application-comment": Access(STAFF, method="post", own=own_application),
    "portfolios:application-check": Access(STAFF, own=own_application),
    "portfolios:application-withdraw": Access(STAFF, own=own_application),
    "portfolios:application-readiness": Access(STAFF, own=own_application),
    "portfolios:application-submit": Access(
        STAFF, method="post", own=own_application, ok_status=302
    ),
    "portfolios:submission-pdf": Access(STAFF, own=own_submission, page=False),
    # POST only: the applicant starts the next attempt from their deferred application.
    "portfolios:application-next-attempt": Access(
        STAFF, method="post", own=own_deferred_application, ok_status=302
    ),
    # Team managers refer (Dudley); anyone covering a manager today too (no persona does).
    "portfolios:referral-list": Access(frozenset({"team_manager"})),
    "portfolios:referral-create": Access(frozenset({"team_manager"})),
    "portfolios:review-list": Access(REVIEWERS),
    "portfolios:review-reassign": Access(COORDINATORS, own=_review_to_reassign),
    # A refused return or comment (nothing typed) shows the page again with the error.
    "portfolios:review-detail": Access(REVIEWERS, own=own_application_to_review),
    "portfolios:review-return": Access(REVIEWERS, method="post", own=own_application_to_review),
    "portfolios:review-comment": Access(REVIEWERS, method="post", own=own_application_to_review),
    # The admin's index: framework editors, HR (letter templates) and the service's
    # administrators; which models each sees is tested with each model's admin.
    "admin:*": Access(
        frozenset({"framework_editor", "hr", SUPERUSER}),
        samples=(("admin:index", {}),),
    ),
}


def url_names(patterns=None, namespace=""):
    """Every URL pattern's "namespace:name" (or its route, for a pattern with no name)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or str(pattern.pattern)}")
    return names


def entry_for(name):
    if name in MATRIX:
        return MATRIX[name]
    for key, access in MATRIX.items():
        if key.endswith(":*") and name.startswith(key[:-1]):
            return access
    return None


def missing_entries(patterns=None):
    return sorted({name for name in url_names(patterns) if entry_for(name) is None})


def may_reach(access, user):
    """Whether a persona may reach a URL at all (before any object check)."""
    if access.who == PUBLIC:
        return True
    if user is None:
        return False
    from careerpath.permissions import has_role, is_staff_member

    if access.who == SIGNED_IN:
        return True
    if access.who == STAFF:
        return is_staff_member(user)
    return (SUPERUSER in access.who and user.is_superuser) or has_role(user, *access.who)
