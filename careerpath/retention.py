"""Retention: each council keeps evidence and applications a set number of years after the last
decision on them, or after the person left, then a daily task purges them and leaves an audit
record of what it removed. A legal hold on a person stops it for everything of theirs.

What is kept: the person, their level history, and the decisions and outcome letters (the
employment record of a change of level and pay, which a leaver keeps too), with the application
as a minimal record (route, state and dates). What is purged: evidence items and every version of
their files, and the application's content: answers, evidence links, comments, declarations,
agreements, the referral, reminders and the frozen submissions with their PDFs.

careerpath never imports the apps above it: portfolios registers the purge of what it holds and
panels registers how to read the date of the last decision on each application.
"""

from django.utils import timezone

from careerpath.models import Organisation, User
from careerpath.services import audit_record

_purgers = []
_decision_date_readers = []


def register_retention_purger(purger):
    """purger(*, people, decided_on_or_before, left_on_or_before, last_decision_dates) -> dict
    of what it removed (lists of ids or counts), empty when nothing."""
    if purger not in _purgers:
        _purgers.append(purger)


def register_decision_date_reader(reader):
    """reader(application_ids) -> {application id: date of the last decision on it}."""
    if reader not in _decision_date_readers:
        _decision_date_readers.append(reader)


def last_decision_dates(application_ids):
    dates = {}
    for reader in _decision_date_readers:
        for pk, on in reader(application_ids).items():
            dates[pk] = max(on, dates.get(pk, on))
    return dates


def years_before(day, years):
    """The same day `years` earlier (29 February becomes the 28th in a year without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_cutoffs(organisation, today):
    """The last day a decision (or a leaving date) may fall on for its data to be purged today:
    kept on the day before the anniversary, purged on the day itself."""
    return (
        years_before(today, organisation.retention_years_after_decision),
        years_before(today, organisation.retention_years_after_leaving),
    )


def retention_purge(*, today=None):
    """Purge what each council keeps no longer, never touching a person under a legal hold.
    One audit record per council that had something removed. Returns {slug: removed}."""
    today = today or timezone.localdate()
    report = {}
    for organisation in Organisation.objects.order_by("pk"):
        decided_by, left_by = retention_cutoffs(organisation, today)
        people = User.objects.filter(organisation=organisation, legal_hold=False)
        removed = {}
        for purger in _purgers:
            removed.update(
                purger(
                    people=people,
                    decided_on_or_before=decided_by,
                    left_on_or_before=left_by,
                    last_decision_dates=last_decision_dates,
                )
            )
        if any(removed.values()):
            audit_record(
                actor=None,
                action="retention.purge",
                organisation=organisation,
                details={
                    "on": today.isoformat(),
                    "decided_on_or_before": decided_by.isoformat(),
                    "left_on_or_before": left_by.isoformat(),
                    **removed,
                },
            )
            report[organisation.slug] = removed
    return report
