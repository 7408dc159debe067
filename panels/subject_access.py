"""What panels holds about one person: for their subject access zip (careerpath.data_export),
the decisions on their applications with judgements and targets, appeals, outcome letters (with
the PDFs) and panel bookings; and for the retention purge (careerpath.retention), the date of the
last decision on each application."""

from django.db.models import Max
from django.utils import timezone

from careerpath.data_export import PersonalDataPart, person_name
from panels.models import Appeal, Booking, Decision


def personal_data_for(person):
    decisions = (
        Decision.objects.filter(application__applicant=person)
        .select_related("application__route", "session", "decided_by", "on_behalf_of")
        .prefetch_related("judgements__criterion", "targets", "letters", "sat")
        .order_by("decided_at", "pk")
    )
    appeals = {
        appeal.decision_id: appeal
        for appeal in Appeal.objects.filter(decision__application__applicant=person).select_related(
            "decided_by"
        )
    }
    records, letters, files = [], [], []
    for decision in decisions:
        appeal = appeals.get(decision.pk)
        records.append(
            {
                "application": decision.application_id,
                "route": str(decision.application.route),
                "hearing": decision.hearing,
                "outcome": decision.get_outcome_display(),
                "heard_on": decision.heard_on,
                "decided_at": decision.decided_at,
                "decided_by": person_name(decision.decided_by),
                "on_behalf_of": person_name(decision.on_behalf_of),
                "panel": [person_name(member) for member in decision.sat.all()],
                "reasons": decision.reasons,
                "effective_date": decision.effective_date,
                "new_level": decision.new_level_name,
                "grade": decision.grade,
                "pay_point": decision.pay_point,
                "further_work": decision.further_work,
                "appeal_due_on": decision.appeal_due_on,
                "judgements": [
                    {
                        "standard": judgement.standard_number,
                        "criterion": str(judgement.criterion or ""),
                        "met": judgement.met,
                        "note": judgement.note,
                    }
                    for judgement in decision.judgements.all()
                ],
                "targets": [
                    {
                        "term": target.get_term_display(),
                        "text": target.text,
                        "due_on": target.due_on,
                    }  # fmt: skip
                    for target in decision.targets.all()
                ],
                "appeal": {
                    "lodged_at": appeal.lodged_at,
                    "grounds": appeal.grounds,
                    "decided_at": appeal.decided_at,
                    "decided_by": person_name(appeal.decided_by),
                    "upheld": appeal.upheld,
                    "reasons": appeal.reasons,
                }
                if appeal
                else None,
            }
        )
        for letter in decision.letters.all():
            pdf = ""
            if letter.pdf_key:
                pdf = f"letters/{decision.pk}-{letter.kind}-v{letter.version}.pdf"
                files.append((pdf, letter.pdf_key))
            letters.append(
                {
                    "application": decision.application_id,
                    "kind": letter.get_kind_display(),
                    "version": letter.version,
                    "subject": letter.subject,
                    "sent_at": letter.sent_at,
                    "reissue_reason": letter.reissue_reason,
                    "pdf": pdf,
                }
            )
    bookings = [
        {
            "application": booking.application_id,
            "panel": booking.session.starts_at,
            "booked_at": booking.booked_at,
            "cancelled_at": booking.cancelled_at,
            "move_reason": booking.move_reason,
        }
        for booking in Booking.objects.filter(application__applicant=person)
        .select_related("session")
        .order_by("booked_at", "pk")
    ]
    return [
        PersonalDataPart("decisions", records),
        PersonalDataPart("letters", letters, files),
        PersonalDataPart("panel_bookings", bookings),
    ]


def last_decision_dates(application_ids):
    """application id -> the date of the last decision on it (the panel's or its appeal's)."""
    dates = {}
    rows = (
        Decision.objects.filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(decided=Max("decided_at"), appealed=Max("appeal__decided_at"))
    )
    for row in rows:
        latest = max(moment for moment in (row["decided"], row["appealed"]) if moment)
        dates[row["application_id"]] = timezone.localdate(latest)
    return dates
