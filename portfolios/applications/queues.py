"""Reads for the reviewers' work: each person's queue (what waits for them, oldest first, against
the route's service level), where an application is and who holds it (for the worker), the
reviews that are stuck (for the coordinator), and the application's timeline."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from careerpath.models import AuditEvent, User
from careerpath.working_days import working_days_between
from portfolios.applications import permissions as can
from portfolios.applications.steps import UNDER_REVIEW, current_holder, service_level_days
from portfolios.models import Application, Comment

# What each step asks of its holder, as a queue names it.
STEP_ACTIONS = {
    "review": "Write the manager's report",
    "endorse": "Endorse",
    "confirm_eligibility": "Confirm the criteria are met",
    "decide": "Decide",
}

QUEUE_RELATED = ("applicant", "route__framework", "route__to_level", "organisation")


@dataclass(frozen=True)
class Waiting:
    """One application waiting at one step."""

    application: Application
    holder: object  # steps.Holder
    waited: int  # working days since it reached the step
    service_level: int  # working days the route allows the step
    acting_for: int | None = None  # the person covered for, when not the reader themselves

    @property
    def action(self):
        return STEP_ACTIONS.get(self.holder.step, self.holder.step)

    @property
    def overdue(self):
        return self.waited > self.service_level

    @property
    def waited_text(self):
        days = "working day" if self.waited == 1 else "working days"
        return f"Waiting {self.waited} {days} (service level {self.service_level})"


def _waiting(application, holder, *, today, acting_for=None):
    since = timezone.localdate(application.state_changed_at)
    return Waiting(
        application=application,
        holder=holder,
        waited=working_days_between(since, today),
        service_level=service_level_days(application.route),
        acting_for=acting_for,
    )


def _under_review(user):
    """The applications under review this person may read, oldest in their state first."""
    return (
        can.applications_reviewable_by(user)
        .filter(state__in=UNDER_REVIEW)
        .select_related(*QUEUE_RELATED)
        .order_by("state_changed_at", "pk")
    )


def review_queue(*, user, today=None):
    """What waits for this person, oldest first: each application whose current step they
    hold, by name, by their role (the coordinator's checks), by cover for an absent colleague,
    or by reassignment. A fixed number of queries, whatever the length."""
    today = today or timezone.localdate()
    rows = []
    for application in _under_review(user):
        holder = current_holder(application)
        if holder is None or holder.at_panel:
            continue  # the panel's work is listed with its session
        person_id = can.acting_for(user, holder, application)
        if person_id is None:
            continue
        rows.append(
            _waiting(
                application,
                holder,
                today=today,
                acting_for=person_id if person_id != user.pk else None,
            )
        )
    return rows


def stuck_reviews(*, user, today=None):
    """For the progression coordinator: reviews past their service level, or held by nobody
    (the applicant has no such manager on record), oldest first."""
    today = today or timezone.localdate()
    rows = []
    for application in _under_review(user):
        holder = current_holder(application)
        if holder is None or holder.at_panel:
            continue
        row = _waiting(application, holder, today=today)
        if row.overdue or (holder.by_name and not holder.person_ids):
            rows.append(row)
    return rows


def holder_names(holders):
    """person id -> User for every person named in these holders, in one query."""
    ids = {pk for holder in holders if holder is not None for pk in holder.person_ids}
    return User.objects.in_bulk(ids) if ids else {}


@dataclass(frozen=True)
class Whereabouts:
    """Where an application is, in words for the worker."""

    status: str
    holder_text: str
    waited: Waiting | None = None


def where_is(application, *, today=None):
    """Where the application is and who holds it, for the worker's page."""
    today = today or timezone.localdate()
    status = application.get_state_display()
    if application.state == "returned":
        return Whereabouts(status, "It is with you: make the changes, then submit it again.")
    if application.state == "drafting":
        return Whereabouts(status, "It is with you: write it, then submit it.")
    holder = current_holder(application)
    if holder is None:
        return Whereabouts(status, "")
    people = holder_names([holder])
    names = [
        people[pk].get_full_name() or str(people[pk]) for pk in holder.person_ids if pk in people
    ]
    action = STEP_ACTIONS.get(holder.step, holder.step).lower()
    if names:
        who = " and ".join(names)
        text = f"With {who} ({holder.role_label}) to {action}."
    elif holder.by_name:
        text = (
            f"Waiting for your {holder.role_label}, but none is on your record: the progression "
            "coordinator has been told."
        )
    else:
        text = f"With the {holder.role_label} to {action}."
    return Whereabouts(status, text, _waiting(application, holder, today=today))


# --- The timeline ---------------------------------------------------------------------------------

# Audit actions shown on the timeline, in words; others (every draft saved) are left out.
TIMELINE_ACTIONS = {
    "application.start": "Started the application",
    "application.refer": "Referred the worker for progression",
    "application_agreed": "Agreed the application may go ahead",
    "application_booked": "Booked a panel place",
    "application_booking_cancelled": "Cancelled the panel place",
    "application.submit": "Submitted the application",
    "application.withdraw": "Withdrew the application",
    "application.return": "Returned the application for changes",
    "application.review": "Completed the manager's report",
    "application.endorse": "Endorsed the application",
    "application.confirm_eligibility": "Confirmed the criteria are met",
    "application.reassign": "Reassigned the review",
    "application.decide_progressed": "Recorded the decision: progressed",
    "application.decide_deferred": "Recorded the decision: deferred",
    "application.decide_not_progressed": "Recorded the decision: not progressed",
    "application.lodge_appeal": "Lodged an appeal",
    "application.uphold_appeal": "Upheld the appeal: a new hearing",
    "application.dismiss_appeal": "Dismissed the appeal",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: object  # datetime
    who: str
    for_whom: str
    what: str
    comment: str = ""
    reviewers_only: bool = False


def _name(user):
    return (user.get_full_name() or str(user)) if user is not None else "careerpath"


def timeline(*, application, viewer):
    """Every step of the application, oldest first: who, for whom, when, what, with the comment
    written with it; and the comments on their own. The worker never sees comments for
    reviewers only. Three queries, whatever the length."""
    events = list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Application),
            target_id=str(application.pk),
            action__in=list(TIMELINE_ACTIONS),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    comments = Comment.objects.filter(application=application).select_related(
        "author", "on_behalf_of"
    )
    if viewer.pk == application.applicant_id:
        comments = comments.filter(reviewers_only=False)
    ids = {event.details.get("for") for event in events if event.details.get("for")}
    ids |= {event.details.get("to") for event in events if event.action == "application.reassign"}
    people = User.objects.in_bulk({pk for pk in ids if isinstance(pk, int)}) if ids else {}
    entries = []
    for event in events:
        what = TIMELINE_ACTIONS[event.action]
        if event.action == "application.reassign":
            to = people.get(event.details.get("to"))
            what = f"Reassigned the review to {_name(to)}: {event.details.get('reason', '')}"
        for_whom = people.get(event.details.get("for"))
        entries.append(
            TimelineEntry(
                at=event.created_at,
                who=_name(event.actor),
                for_whom=_name(for_whom) if for_whom else "",
                what=what,
            )
        )
    for comment in comments:
        entries.append(
            TimelineEntry(
                at=comment.created_at,
                who=_name(comment.author),
                for_whom=_name(comment.on_behalf_of) if comment.on_behalf_of_id else "",
                what="Returned it with this comment" if comment.step == "return" else "Commented",
                comment=comment.body,
                reviewers_only=comment.reviewers_only,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
