"""Outcome letters: the organisation's template (HTML with placeholders only, written by HR),
filled in from the decision, rendered to a PDF, stored, and e-mailed to the worker once.

Templates never use the template language: a placeholder is `{{ name }}` and nothing else, and
every value is escaped before it goes in. A template with an unknown placeholder or a template
tag is refused when it is saved (template_problems), not when a letter is made.

letter_issue() is what the task runs; it is safe to run twice or at once. Version 1 is made once
(the unique constraint on decision, kind and version), rendered only while it has no file (under
a key made from the letter, so a retry overwrites), and sent by whichever run claims sent_at
first with a conditional update. Until the claim, nothing is sent; after it, the worker's e-mail
goes through their notification's own claim, so a retry after a failed send sends it once."""

import datetime
import logging
import re
import threading
from html import escape

import nh3
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.models import Notification, Role
from careerpath.permissions import has_role, is_staff_member
from careerpath.selectors import role_holders
from careerpath.services import audit_record, notification_send
from careerpath.working_days import add_working_days
from panels.appeals import appeal_last_day, appeal_window_days
from panels.models import Decision, Letter, LetterKind, LetterTemplate, Outcome

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# --- Placeholders -----------------------------------------------------------------------------

PLACEHOLDERS = {
    "name": "The worker's name",
    "route": "The route applied for",
    "panel_date": "The day the application was heard",
    "outcome": "The outcome (progressed, deferred, not progressed)",
    "new_level": "The new level, when progressed",
    "grade": "The new grade, when progressed",
    "pay_point": "The new pay point, when progressed",
    "effective_date": "The day the progression takes effect",
    "targets": "The targets set, as a list",
    "further_work": "The further work recommended, with a deferral",
    "reasons": "The panel's reasons",
    "appeal_deadline": "The last day to appeal",
    "how_to_appeal": "How and to whom to appeal, and from which day the window counts",
    "appeal_reasons": "The reasons for the decision on an appeal",
    "signatory_name": "Who signs the letter",
    "signatory_title": "Their job title",
    "organisation": "The organisation's name",
    "letter_date": "The date of the letter",
}
# Values that are HTML already (built from escaped parts): not for the plain-text subject.
HTML_PLACEHOLDERS = {"targets"}

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NAME = re.compile(r"^\s*([a-z_]+)\s*$")
_TAG = re.compile(r"\{%|\{#|%\}|#\}")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h1", "h2", "h3", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


def template_problems(body, subject=""):
    """What is wrong with a template as HR wrote it: unknown placeholders and template tags.
    An empty list means it may be saved."""
    problems = []
    for where, text in (("subject", subject or ""), ("letter", body or "")):
        if _TAG.search(text):
            problems.append(
                f"The {where} uses a template tag ({{% or {{#): only placeholders such as "
                "{{ name }} may be used"
            )
        for match in _PLACEHOLDER.finditer(text):
            name = _NAME.match(match.group(1))
            if name is None or name.group(1) not in PLACEHOLDERS:
                problems.append(
                    f"The {where} uses an unknown placeholder {match.group(0)}: use one of "
                    + ", ".join(f"{{{{ {known} }}}}" for known in PLACEHOLDERS)
                )
            elif where == "subject" and name.group(1) in HTML_PLACEHOLDERS:
                problems.append(f"The subject cannot use {match.group(0)}: it is a list")
    return list(dict.fromkeys(problems))


def body_sanitise(body):
    """The letter's HTML with only simple formatting: no scripts, styles, links or event
    attributes (placeholders are text, so they survive)."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(),
        strip_comments=True,
    )


def substitute(text, values, *, html=True):
    """Replace each `{{ placeholder }}` with its value, escaped (HTML values as they are built,
    from escaped parts). Anything unknown is left out: templates are checked when saved."""

    def replace(match):
        name = _NAME.match(match.group(1))
        key = name.group(1) if name else ""
        value = values.get(key, "")
        if key in HTML_PLACEHOLDERS:
            return value if html else ""
        return escape(str(value)) if html else str(value)

    return _PLACEHOLDER.sub(replace, text or "")


# --- Built-in templates: used when the organisation has written none ------------------------

_SIGN_OFF = "<p>Yours sincerely,</p><p>{{ signatory_name }}<br>{{ signatory_title }}</p>"
_OPENING = "<p>{{ letter_date }}</p><p>Dear {{ name }},</p>"
DEFAULT_TEMPLATES = {
    LetterKind.PROGRESSED: (
        "Your progression: {{ route }}",
        _OPENING + "<p>Thank you for presenting your evidence on {{ panel_date }}. I am "
        "pleased to tell you that you have progressed to {{ new_level }}.</p>"
        "<p>Your grade is {{ grade }} and your pay point {{ pay_point }}, from "
        "{{ effective_date }}.</p><h2>Your targets</h2>{{ targets }}"
        "<p>Congratulations, and thank you for the work that went into your portfolio.</p>"
        + _SIGN_OFF,
    ),
    LetterKind.DEFERRED: (
        "The decision on your application: {{ route }}",
        _OPENING + "<p>Thank you for presenting your evidence on {{ panel_date }}. The panel "
        "has deferred its decision on your application for {{ route }}.</p>"
        "<h2>Why</h2><p>{{ reasons }}</p>"
        "<h2>Further work before you apply again</h2><p>{{ further_work }}</p>"
        "<h2>Your targets</h2>{{ targets }}"
        "<h2>If you wish to appeal</h2><p>{{ how_to_appeal }}</p>" + _SIGN_OFF,
    ),
    LetterKind.NOT_PROGRESSED: (
        "The decision on your application: {{ route }}",
        _OPENING + "<p>Thank you for presenting your evidence on {{ panel_date }}. The panel "
        "has decided that you will not progress at this time on {{ route }}.</p>"
        "<h2>Why</h2><p>{{ reasons }}</p><h2>Your targets</h2>{{ targets }}"
        "<h2>If you wish to appeal</h2><p>{{ how_to_appeal }}</p>" + _SIGN_OFF,
    ),
    LetterKind.APPEAL_UPHELD: (
        "Your appeal is upheld: {{ route }}",
        _OPENING + "<p>Your appeal against the panel's decision of {{ panel_date }} on your "
        "application for {{ route }} is upheld.</p><p>{{ appeal_reasons }}</p>"
        "<p>Your application will be heard again at a later panel: the progression "
        "coordinator will tell you when.</p>" + _SIGN_OFF,
    ),
    LetterKind.APPEAL_DISMISSED: (
        "Your appeal is dismissed: {{ route }}",
        _OPENING + "<p>Your appeal against the panel's decision of {{ panel_date }} on your "
        "application for {{ route }} is dismissed.</p><p>{{ appeal_reasons }}</p>"
        "<p>This decision is final.</p>" + _SIGN_OFF,
    ),
}


def template_for(decision, kind):
    """(subject, body, signatory name, signatory title): the organisation's template for the
    route, else its template for every route, else the built-in one."""
    application = decision.application
    chosen = (
        LetterTemplate.objects.filter(
            organisation_id=application.organisation_id,
            kind=kind,
            route_code__in=[application.route.code, ""],
        )
        .order_by("-route_code")  # the route's own ("L1-L2") sorts before every route's ("")
        .first()
    )
    if chosen is not None:
        return chosen.subject, chosen.body, chosen.signatory_name, chosen.signatory_title
    subject, body = DEFAULT_TEMPLATES[LetterKind(kind)]
    return subject, body, "Human Resources", application.organisation.name


# --- The values --------------------------------------------------------------------------------


def targets_html(targets):
    if not targets:
        return "<p>No targets were set.</p>"
    items = "".join(
        f"<li><strong>{escape(target.get_term_display())}, by {escape(long_date(target.due_on))}"
        f":</strong> {escape(target.text)}</li>"
        for target in targets
    )
    return f"<ul>{items}</ul>"


def how_to_appeal(decision, letter):
    route = decision.application.route
    days = appeal_window_days(route)
    if decision.outcome == Outcome.PROGRESSED or not days:
        return "There is no appeal against this decision."
    authority = (route.panel or {}).get("appeal_authority") or "the appeal authority"
    if letter.version == 1:
        counted = "counted from the date of this letter"
    else:
        counted = (
            f"counted from the date of the first letter, {long_date(_first_letter_date(letter))}"
        )
    final = " Their decision is final." if (route.panel or {}).get("appeal_final") else ""
    return (
        f"If you consider that the panel did not follow the proper procedure, you may appeal "
        f"in writing to the {authority} within {days} working days, {counted}: your last day "
        f"is {long_date(decision.appeal_due_on)}. Lodge your appeal from your application's "
        f"page in careerpath, saying where the procedure was not followed.{final}"
    )


def _first_letter_date(letter):
    first = Letter.objects.filter(decision_id=letter.decision_id, kind=letter.kind, version=1)
    rendered = first.values_list("rendered_at", flat=True).first()
    return timezone.localdate(rendered) if rendered else timezone.localdate()


def letter_values(decision, letter, *, signatory_name, signatory_title, letter_date):
    application = decision.application
    worker = application.applicant
    appeal = getattr(decision, "appeal", None) if letter.kind.startswith("appeal") else None
    level = " ".join(filter(None, [decision.new_level_code, decision.new_level_name]))
    return {
        "name": worker.get_full_name() or str(worker),
        "route": application.route.title,
        "panel_date": long_date(decision.heard_on),
        "outcome": decision.get_outcome_display(),
        "new_level": level,
        "grade": decision.grade,
        "pay_point": decision.pay_point,
        "effective_date": long_date(decision.effective_date) if decision.effective_date else "",
        "targets": targets_html(list(decision.targets.all())),
        "further_work": decision.further_work,
        "reasons": decision.reasons,
        "appeal_deadline": long_date(decision.appeal_due_on) if decision.appeal_due_on else "",
        "how_to_appeal": how_to_appeal(decision, letter),
        "appeal_reasons": appeal.reasons if appeal is not None else "",
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
        "organisation": application.organisation.name,
        "letter_date": long_date(letter_date),
    }


# --- Rendering ---------------------------------------------------------------------------------

# One system font on the root (no web fonts, no images): WeasyPrint embeds only the glyphs used.
LETTER_CSS = (
    '@page { size: A4; margin: 20mm 18mm; } html { font-family: "DejaVu Sans", sans-serif; '
    "font-size: 10.5pt; line-height: 1.45; color: #0b0c0c; } h1 { font-size: 15pt; margin: 0 0 "
    "8mm; } h2 { font-size: 11.5pt; margin: 6mm 0 2mm; } h3 { font-size: 10.5pt; } "
    "table { border-collapse: collapse; } th, td { border: 0.5pt solid #b1b4b6; padding: 2pt 4pt; "
    "text-align: left; vertical-align: top; }"
)


def letter_html(decision, letter, *, letter_date):
    """(subject, the letter's full HTML document)."""
    subject, body, signatory_name, signatory_title = template_for(decision, letter.kind)
    values = letter_values(
        decision, letter, signatory_name=signatory_name, signatory_title=signatory_title,
        letter_date=letter_date,
    )  # fmt: skip
    content = substitute(body_sanitise(body), values)
    organisation = escape(decision.application.organisation.name)
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(subject)}'
        f"</title><style>{LETTER_CSS}</style></head><body><h1>{organisation}</h1>{content}"
        "</body></html>"
    )
    return substitute(subject, values, html=False).strip()[:200], document


_fonts = threading.local()


def letter_pdf_bytes(html):
    """The PDF of a letter's HTML. The font configuration is made once per thread and kept:
    making it costs more than laying out a letter (the benchmark measures both)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return HTML(string=html).write_pdf(font_config=_fonts.config)


def letter_render(letter):
    """The letter's PDF bytes, as it reads today (the task stores them)."""
    decision = _decision(letter.decision_id)
    return letter_pdf_bytes(letter_html(decision, letter, letter_date=timezone.localdate())[1])


def letter_pdf_key(letter, organisation_slug):
    return f"letters/{organisation_slug}/{letter.decision_id}-{letter.kind}-v{letter.version}.pdf"


# --- When it is due ----------------------------------------------------------------------------


def due_by(route, decided_at):
    """The route's service level for the letter: hours (Lincolnshire: 24) or working days
    (Dudley's entry routes: 3) from the decision. A route that says neither gets one working
    day: the seeds never allow longer than that for a panel's letter, and a letter with no
    deadline could never show as late."""
    panel = route.panel or {}
    hours = panel.get("letter_within_hours")
    if hours:
        return decided_at + datetime.timedelta(hours=int(hours))
    days = panel.get("letter_within_working_days") or 1
    local = timezone.localtime(decided_at)
    day = add_working_days(local.date(), int(days))
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def _decided_at(decision, kind):
    if kind in (LetterKind.APPEAL_UPHELD, LetterKind.APPEAL_DISMISSED):
        appeal = getattr(decision, "appeal", None)
        if appeal is not None and appeal.decided_at:
            return appeal.decided_at
    return decision.decided_at


# --- Issuing: what the task runs ---------------------------------------------------------------


def _decision(decision_id):
    return (
        Decision.objects.select_related(
            "application__route", "application__applicant__team_manager",
            "application__organisation", "appeal",
        )
        .prefetch_related("targets")
        .get(pk=decision_id)
    )  # fmt: skip


def letter_url(letter):
    return reverse("panels:letter-pdf", args=[letter.pk])


def letter_issue(*, decision_id, kind, version=1):
    """Make (version 1 only), render and send the decision's letter of this kind, once however
    often or however many workers run it. Returns what it did."""
    decision = _decision(decision_id)
    kind = LetterKind(kind)
    if version == 1:
        # get_or_create reuses the row another run made (its IntegrityError is caught inside).
        letter, _ = Letter.objects.get_or_create(
            decision=decision, kind=kind, version=1,
            defaults={"due_by": due_by(decision.application.route, _decided_at(decision, kind))},
        )  # fmt: skip
    else:
        letter = Letter.objects.filter(decision=decision, kind=kind, version=version).first()
        if letter is None:
            return "no such letter"
    if not letter.pdf_key:
        _letter_store(decision, letter)
        letter.refresh_from_db()
    return _letter_send(decision, letter)


def _letter_store(decision, letter):
    """Render and store the letter; the first run to record it wins. Version 1 of a deferral or
    refusal sets the decision's last day to appeal, counted from the letter's date."""
    letter_date = timezone.localdate()
    route = decision.application.route
    if letter.version == 1 and letter.kind in (LetterKind.DEFERRED, LetterKind.NOT_PROGRESSED):
        decision.appeal_due_on = appeal_last_day(route, letter_date)
    subject, html = letter_html(decision, letter, letter_date=letter_date)
    content = letter_pdf_bytes(html)
    if Letter.objects.filter(pk=letter.pk).exclude(pdf_key="").exists():
        return  # another run stored it while this one rendered: keep theirs
    key = letter_pdf_key(letter, decision.application.organisation.slug)
    if default_storage.exists(key):
        default_storage.delete(key)  # an earlier try's, never sent: this one replaces it
    saved = default_storage.save(key, ContentFile(content))
    if saved != key:
        default_storage.delete(saved)  # another run stored it between the two lines above
    with transaction.atomic():
        stored = Letter.objects.filter(pk=letter.pk, pdf_key="").update(
            pdf_key=key, pdf_bytes=len(content), rendered_at=timezone.now(),
            subject=subject, html=html,
        )  # fmt: skip
        if stored and letter.version == 1 and letter.kind in (
            LetterKind.DEFERRED, LetterKind.NOT_PROGRESSED,
        ):  # fmt: skip
            Decision.objects.filter(pk=decision.pk).update(appeal_due_on=decision.appeal_due_on)


def _letter_send(decision, letter):
    application = decision.application
    worker = application.applicant
    url = letter_url(letter)
    with transaction.atomic():
        claimed = Letter.objects.filter(pk=letter.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if claimed:
            # This run sends it: the worker's notification (e-mailed below, with the PDF) and
            # the others' (in the service and by e-mail after the commit, without it).
            notification_send(
                recipient=worker, subject=letter.subject,
                body=f"Your letter about the decision on {application.route.title} is "
                "attached, and you can download it from careerpath.",
                url=url, email=False,
            )  # fmt: skip
            _tell_others(decision, letter)
    notification = Notification.objects.filter(recipient=worker, url=url).order_by("pk").first()
    if notification is None:
        return "sent already"  # another run claimed it and has not committed yet
    from careerpath.tasks import notification_email_deliver

    content = default_storage.open(letter.pdf_key).read()
    filename = f"{letter.kind.replace('_', '-')}-letter-v{letter.version}.pdf"
    # The notification's own claim sends the e-mail once; a failed send releases it for a retry.
    return notification_email_deliver(
        notification.pk, attachments=[(filename, content, "application/pdf")]
    )


def _tell_others(decision, letter):
    application = decision.application
    worker = application.applicant
    name = worker.get_full_name() or str(worker)
    people = {person.pk: person for person in role_holders(application.organisation_id, Role.HR)}
    if worker.team_manager_id:
        people.setdefault(worker.team_manager_id, worker.team_manager)
    people.pop(worker.pk, None)
    again = f" (re-issued, version {letter.version})" if letter.version > 1 else ""
    for person in people.values():
        notification_send(
            recipient=person,
            subject=f"{name}'s outcome letter has been sent{again}",
            body=f"{name}'s {letter.get_kind_display().lower()} letter about their application "
            f"for {application.route.title} was e-mailed to them{again}.",
            url=letter_url(letter),
        )


# --- Who may read and re-issue -----------------------------------------------------------------


def _same_council(user, letter):
    return (
        is_staff_member(user)
        and letter.decision.application.organisation_id == user.organisation_id
    )


def is_hr_of(user, letter):
    return _same_council(user, letter) and has_role(user, Role.HR)


def can_read_letter(user, letter):
    """The worker (their own), HR of the council, and the worker's team manager."""
    worker = letter.decision.application.applicant
    return _same_council(user, letter) and (
        worker.pk == user.pk or has_role(user, Role.HR) or worker.team_manager_id == user.pk
    )


def can_reissue_letter(user, letter):
    """HR of the decision's council, for a letter that has been sent; never their own."""
    return (
        is_hr_of(user, letter)
        and letter.decision.application.applicant_id != user.pk
        and letter.sent_at is not None
    )


def get_letter_for(user, pk, action="read"):
    """A letter the person may read (or re-issue): 404 for anyone else, as for none."""
    letter = (
        Letter.objects.select_related(
            "decision__application__applicant", "decision__application__route",
            "decision__application__organisation",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    allowed = can_reissue_letter if action == "reissue" else can_read_letter
    if letter is None or not allowed(user, letter):
        raise Http404
    return letter


def letter_versions(letter):
    """Every version of the letter's kind for its decision, oldest first (one query)."""
    return list(
        Letter.objects.filter(decision_id=letter.decision_id, kind=letter.kind)
        .select_related("reissued_by")
        .order_by("version")
    )


# --- Re-issuing ---------------------------------------------------------------------------------


class LetterError(Exception):
    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def letter_reissue(*, letter, actor, reason):
    """HR re-issues a corrected letter: version n+1 from the current template, rendered and sent
    by the same task; earlier versions are kept. Needs a reason."""
    from panels.tasks import letter_issue as letter_issue_task

    reason = (reason or "").strip()
    if not reason:
        raise LetterError("Say why the letter is re-issued", field="reason")
    with transaction.atomic():
        decision = Decision.objects.select_for_update(of=("self",)).get(pk=letter.decision_id)
        if not can_reissue_letter(actor, letter):
            raise LetterError("Only HR of the council may re-issue a sent letter")
        latest = (
            Letter.objects.filter(decision=decision, kind=letter.kind).order_by("-version").first()
        )
        route = letter.decision.application.route
        new = Letter.objects.create(
            decision=decision, kind=letter.kind, version=latest.version + 1,
            due_by=due_by(route, timezone.now()), reissued_by=actor, reissue_reason=reason,
        )  # fmt: skip
        audit_record(
            actor=actor,
            action="letter.reissue",
            target=new,
            organisation=letter.decision.application.organisation,
            details={
                "decision": decision.pk,
                "kind": new.kind,
                "version": new.version,
                "reason": reason,
            },  # fmt: skip
        )
        letter_issue_task.delay_on_commit(decision.pk, new.kind, new.version)
    return new


def letter_queue(decision, kind):
    """Queue version 1 of the decision's letter after the commit (decisions and appeals)."""
    from panels.tasks import letter_issue as letter_issue_task

    letter_issue_task.delay_on_commit(decision.pk, LetterKind(kind).value)
