"""The application's sections, built from the pinned framework's own forms (Framework.forms) and
the route's data, never from a template per council:

- a form with parts or sections (a progression document; an application form, a supporting
  evidence form and a practice observation form) gives one section per part, in order; a part
  tied to a standard is that standard's statement; parts others complete (a manager's report)
  are shown as theirs;
- a route with no form gives one section per criterion of the target level: a statement and the
  evidence linked to it.

A form applies to a route when its `used_by_routes` names the route; a form without that list
applies to the framework's routes that go to a panel (a paper form is what a panel reads).

Section and field keys are what ApplicationAnswer stores and the readiness check reads: a
standard's statement is keyed "kss-<n>" and a criterion's "criterion-<pk>", and a field holding
sources of evidence has "sources" in its key.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify

from careerpath.dates import long_date
from careerpath.models import Role
from frameworks.rules import count_words

NOT_APPLICABLE = "N/A"
# Field kinds the worker types into; the others (an observer's rating...) are not theirs.
TYPED_KINDS = {"text", "date", "choice", "signature", "declaration", "number"}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: str = "text"
    required: bool = False
    max_words: int | None = None
    help: str = ""
    options: tuple = ()
    prefilled: str = ""
    long: bool = False
    condition: str = ""
    # Who fills it in: the section's completer unless the field names its own (Lincolnshire's
    # Section D: the practice supervisor's report, then the team manager's endorsement).
    completed_by: str = "worker"
    # The declaration a rule reads from this answer ("no_formal_procedures"), or "".
    declares: str = ""


@dataclass(frozen=True)
class LinkTarget:
    """Something evidence is linked to: a standard (by number in the route's set) or a
    criterion of the target level."""

    key: str  # "kss-4" or "criterion-23"
    label: str
    standard_number: int | None = None
    criterion_id: int | None = None


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    fields: tuple = ()
    completed_by: str = "worker"  # a Role value, "observer", or "worker"
    instructions: str = ""
    # Why the worker cannot start it yet ("" when they can).
    blocked: str = ""
    targets: tuple = ()  # LinkTargets whose evidence this section's task links
    observation: bool = False  # the section is a linked practice observation
    group: str = ""  # a heading the task list groups sections under

    @property
    def is_workers(self):
        return self.completed_by == "worker"

    @property
    def completed_by_label(self):
        if self.completed_by == "observer":
            return "the person who observes your practice"
        try:
            return f"your {Role(self.completed_by).label.lower()}"
        except ValueError:
            return self.completed_by.replace("_", " ")

    def field(self, key):
        return next((f for f in self.fields if f.key == key), None)


def word_count(text):
    """Words as a word processor counts them (one helper, in frameworks.rules)."""
    return count_words(text or "")


# --- Reading the stored forms -----------------------------------------------------------------


def _words(node):
    limits = node.get("limits") or {}
    value = node.get("max_words") or limits.get("max_words")
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _options(node):
    return tuple(
        str(option.get("label", "")) if isinstance(option, dict) else str(option)
        for option in node.get("options") or ()
    )


def _unique_keys(labels):
    keys, seen = [], {}
    for label in labels:
        key = slugify(label)[:50].strip("-") or "field"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return keys


def _field(node, key, *, max_words=None, completed_by="worker"):
    kind = node.get("kind") or "text"
    words = _words(node) or max_words
    return FieldSpec(
        key=key,
        label=str(node.get("label") or "").strip(),
        kind=kind,
        required=bool(node.get("required")),
        max_words=words,
        help=str(node.get("help") or "").strip(),
        options=_options(node),
        prefilled=str(node.get("prefilled") or ""),
        # A paragraph, not a line: a word limit, guidance, a question, or a list of sources.
        long=kind == "text"
        and bool(
            words
            or node.get("help")
            or len(str(node.get("label"))) > 45
            or "source" in str(node.get("label")).lower()
        ),
        condition=str(node.get("condition") or node.get("required_when") or "").strip(),
        completed_by=_completed_by(node) if node.get("completed_by") else completed_by,
        declares=str(node.get("declares") or ""),
    )


def _completed_by(node):
    value = node.get("completed_by") or "worker"
    if isinstance(value, list):
        return "worker" if "worker" in value else value[0]
    return value


def _applies(form, route):
    routes = form.get("used_by_routes")
    if routes is not None:
        return route.code in routes
    return bool(route.panel)


def roles_completing(route):
    """Every role that completes a section or a field of the route's forms."""
    roles = set()
    for form in (route.framework.forms or {}).values():
        if not isinstance(form, dict) or not _applies(form, route):
            continue
        for part in form.get("sections") or form.get("parts") or []:
            for node in (part, *(part.get("fields") or [])):
                value = node.get("completed_by") or ()
                roles.update([value] if isinstance(value, str) else value)
    return roles


def _standard_number(node):
    standard = node.get("standard") or {}
    number = standard.get("number") if isinstance(standard, dict) else None
    if number is None and node.get("kss") is not None:
        number = node.get("kss")
    try:
        return int(number) if number is not None else None
    except (TypeError, ValueError):
        return None


# --- Building the sections ---------------------------------------------------------------------


def standards_in_play(route, application):
    """The standard numbers the worker evidences: the allocated ones (once booked) on a route
    that allocates, all of the policy's otherwise; attested ones are verified, not written."""
    policy = route.standards_policy or {}
    if not policy:
        return []
    if policy.get("mode") == "allocated":
        return sorted(int(n) for n in application.allocated_standards or [])
    return sorted(int(n) for n in policy.get("always") or [])


def _standard_target(number, standards):
    title = standards.get(number)
    return LinkTarget(
        key=f"kss-{number}",
        label=f"KSS {number}: {title}" if title else f"KSS {number}",
        standard_number=number,
    )


def application_sections(*, application, standards=None, criteria=None):
    """Every section of this application's form, in order. `standards` maps number -> title
    in the route's standard set; `criteria` lists the target level's criteria (only read when
    the route has no form). Both come from the selector, which owns the queries."""
    route = application.route
    standards = standards or {}
    forms = [
        (name, form)
        for name, form in (route.framework.forms or {}).items()
        if isinstance(form, dict) and _applies(form, route)
    ]
    if not forms:
        return _criteria_sections(criteria or [])
    sections = []
    in_play = standards_in_play(route, application)
    policy = route.standards_policy or {}
    for name, form in forms:
        parts = form.get("sections") or form.get("parts") or []
        observation_form = "observation" in name
        for index, part in enumerate(parts):
            sections.append(
                _part_section(
                    name, form, index, part, application, in_play, policy, standards,
                    observation_form,
                )
            )  # fmt: skip
    sections = [section for section in sections if section is not None]
    if not any(section.targets or section.observation for section in sections):
        # A form with nothing to link evidence to (Dudley's apprenticeship and return to social
        # work): a criterion that needs an item (the returning social worker's qualification
        # certificate) gets a task of its own, where the worker links it.
        sections += _evidence_sections(criteria or [])
    return sections


# Rules met by an item linked from the library, not by anything typed in the form.
LINKED_ITEM_RULES = ("certificate_required", "min_evidence")


def _evidence_sections(criteria):
    return [
        SectionSpec(
            key=f"criterion-{criterion.pk}",
            title=f"Evidence: {criterion.text}",
            instructions=criterion.evidence_guidance,
            targets=(
                LinkTarget(
                    key=f"criterion-{criterion.pk}",
                    label=criterion.text,
                    criterion_id=criterion.pk,
                ),
            ),
        )
        for criterion in criteria
        if any(rule.type in LINKED_ITEM_RULES for rule in criterion.rules.all())
    ]


def _part_title(form, part):
    code = part.get("code")
    prefix = f"Section {code}: " if code else ""
    appendix = form.get("appendix")
    if appendix and not code:
        prefix = f"Appendix {appendix}, "
    return prefix + str(part.get("title") or part.get("name") or form.get("title") or "")


def _part_section(name, form, index, part, application, in_play, policy, standards, is_obs):
    completed_by = _completed_by(part)
    number = _standard_number(part)
    max_words = _words(part) or policy.get("max_words_per_standard")
    title = _part_title(form, part)
    if is_obs:
        # The observation form is the observer's: the worker links a signed observation from
        # their library instead of typing it.
        if index:
            return None
        return SectionSpec(
            key=f"{slugify(name)}",
            title=f"Appendix {form.get('appendix')}: {form.get('title')}"
            if form.get("appendix") else str(form.get("title")),
            instructions=str(form.get("instructions") or ""),
            observation=True,
            # Linked to the standards the observation shows.
            targets=tuple(_standard_target(n, standards) for n in in_play),
        )  # fmt: skip
    if number is not None:
        # One standard's statement (a supporting evidence form's part).
        fields = []
        for node in part.get("fields") or []:
            label = str(node.get("label") or "")
            key = "sources" if "source" in label.lower() else "statement"
            fields.append(_field(node, key, max_words=max_words if key == "statement" else None))
        return SectionSpec(
            key=f"kss-{number}", title=title, fields=tuple(fields), completed_by=completed_by,
            instructions=str(form.get("instructions") or ""),
            targets=(_standard_target(number, standards),),
        )  # fmt: skip
    code = part.get("code")
    key = f"{slugify(code)}" if code else f"{slugify(name)}-{index + 1}"
    nodes = [n for n in part.get("fields") or [] if (n.get("kind") or "text") in TYPED_KINDS]
    if completed_by == "worker":
        nodes = [n for n in nodes if _completed_by(n) == "worker"]
    fields, targets, blocked = [], (), ""
    standard_rows = [n for n in nodes if n.get("kss") is not None]
    if standard_rows:
        # A statement per standard in one section: required for those in play, "N/A" for the
        # rest, and the section cannot start before the standards are allocated.
        if policy.get("mode") == "allocated" and not in_play:
            blocked = "Your standards are allocated when you book a panel place"
        targets = tuple(_standard_target(n, standards) for n in in_play)
    typed = [n for n in nodes if n.get("kss") is None and not _allocation_row(n)]
    labels = [str(n.get("label") or "") for n in typed]
    keys = dict(zip(map(id, typed), _unique_keys(labels), strict=True))
    route_answer = _route_answer(typed, application.route.code)
    for node in nodes:
        if node.get("kss") is not None:
            number = int(node["kss"])
            spec = _field(node, f"kss-{number}", max_words=policy.get("max_words_per_standard"))
            playing = number in in_play
            spec = FieldSpec(
                **{**spec.__dict__, "required": playing, "condition": "",
                   "prefilled": "" if playing else NOT_APPLICABLE, "long": True},
            )  # fmt: skip
            fields.append(spec)
            continue
        if _allocation_row(node):
            continue  # the record of the allocation: shown from the booking, not typed
        if not _applies_to_answer(node, route_answer):
            continue  # a question for another variant of the form (another route)
        spec = _field(node, keys[id(node)], completed_by=completed_by)
        routed = [o for o in node.get("options") or () if isinstance(o, dict) and "route" in o]
        if routed:
            # "Applying as a...": the route answers it, so the variant of the form is fixed.
            mine = [str(o.get("label")) for o in routed if o["route"] == application.route.code]
            spec = FieldSpec(**{**spec.__dict__, "options": tuple(mine),
                                "prefilled": mine[0] if mine else ""})  # fmt: skip
        fields.append(spec)
    return SectionSpec(
        key=key, title=title, fields=tuple(fields), completed_by=completed_by,
        instructions=str(part.get("instructions") or ""), blocked=blocked, targets=targets,
    )  # fmt: skip


def _normal(text):
    return " ".join(str(text).lower().replace("?", " ").replace(".", " ").split())


def _route_answer(nodes, code):
    """The answer the route gives to a question whose options name routes ("Are you applying
    as a: Qualified Social Worker? (SW-SSW)..."), normalised; "" when there is none."""
    for node in nodes:
        for option in node.get("options") or ():
            if isinstance(option, dict) and option.get("route") == code:
                return _normal(option.get("label", ""))
    return ""


def _applies_to_answer(node, answer):
    """A field whose condition is "Applying as a X (or as a Y)" belongs to the variants whose
    answer is X or Y (or starts with them); other conditions are left for the person."""
    condition = _normal(node.get("condition") or "")
    if not answer or not condition.startswith("applying as a "):
        return True
    parts = condition.removeprefix("applying as a ").split(" or as a ")
    return any(answer == part or answer.startswith(part + " ") for part in parts)


def _allocation_row(node):
    """A choice row recording which standards were allocated ("KSS 4: Y"): the booking fills
    it, the worker cannot choose."""
    label = str(node.get("label") or "")
    return (node.get("kind") == "choice" and label.upper().startswith("KSS ")
            and set(_options(node)) <= {"Y", "N"})  # fmt: skip


def _criteria_sections(criteria):
    sections = []
    for criterion in criteria:
        words = next(
            (
                int(rule.parameters.get("words") or 0) or None
                for rule in criterion.rules.all()
                if rule.type == "max_words"
            ),
            None,
        )
        target = LinkTarget(
            key=f"criterion-{criterion.pk}",
            label=criterion.text,
            criterion_id=criterion.pk,
        )
        sections.append(
            SectionSpec(
                key=target.key,
                title=criterion.text,
                fields=(
                    FieldSpec(
                        key="statement",
                        label="How you meet this",
                        max_words=words,
                        long=True,
                        required=True,
                        help=criterion.evidence_guidance
                        or "Say what you did and what it shows; link the evidence below.",
                    ),
                ),  # fmt: skip
                instructions=criterion.get_category_display(),
                targets=(target,),
                group=f"{criterion.level.name or criterion.level.code}: "
                f"{criterion.get_category_display().lower()}",
            )
        )
    return sections


# --- Pre-filling from the person's record ----------------------------------------------------


def prefill_from_record(spec, person):
    """What the person's record already says for a field, by what its label asks."""
    label = spec.label.lower()

    def name(other):
        return str(other) if other else ""

    guesses = (
        ("email", lambda: person.email),
        ("practice supervisor", lambda: name(person.practice_supervisor)),
        ("team manager", lambda: name(person.team_manager)),
        ("line manager", lambda: name(person.line_manager)),
        ("team", lambda: person.team.name if person.team else ""),
        ("registration", lambda: _iso(person.swe_registration_date or person.qualification_date)),
        ("qualification", lambda: _iso(person.qualification_date)),
        ("asye", lambda: "Yes" if person.asye_completed else ""),
        ("current role", lambda: person.job_title),
        ("name", lambda: person.get_full_name()),
    )
    if spec.kind == "signature":
        return ""
    for words, value in guesses:
        if words in label:
            return value() or ""
    return ""


def _iso(day):
    return day.isoformat() if day else ""


def initial_values(section, *, person):
    """A section's starting values: the form's own prefill ("N/A"), else the person's record."""
    values = {}
    for spec in section.fields:
        values[spec.key] = spec.prefilled or prefill_from_record(spec, person)
    return values


# --- Status of a section -------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_START, OTHERS = (
    "not_started", "in_progress", "completed", "cannot_start", "others",
)  # fmt: skip


def answer_text(kind, value):
    """An answer as a person reads it: a date written out, a declaration as "Confirmed"."""
    value = str(value or "")
    if kind == "date" and value:
        with contextlib.suppress(ValueError):  # a date typed before the field was one
            value = long_date(datetime.date.fromisoformat(value))
    elif kind == "declaration":
        value = "Confirmed" if value else ""
    return value


@dataclass
class SectionState:
    section: SectionSpec
    status: str
    values: dict = field(default_factory=dict)
    revision: int = 0
    links: list = field(default_factory=list)

    @property
    def answers(self):
        """(field, the answer as the person reads it) for check your answers."""
        rows = []
        for spec in self.section.fields:
            rows.append((spec, answer_text(spec.kind, (self.values or {}).get(spec.key))))
        return rows

    @property
    def status_label(self):
        return {
            NOT_STARTED: "Not yet started",
            IN_PROGRESS: "In progress",
            COMPLETED: "Completed",
            CANNOT_START: "Cannot start yet",
            OTHERS: f"To be completed by {self.section.completed_by_label}",
        }[self.status]


def field_problems(spec, value):
    """What is wrong with one value of one field, for the server and the status alike."""
    value = value or ""
    if spec.max_words and word_count(value) > spec.max_words:
        return f"{spec.label} must be {spec.max_words} words or fewer: it has {word_count(value)}"
    return ""


def section_status(section, values, *, links=()):
    """Not started, in progress or completed, from what is saved (and, for a linked
    observation, whether one is linked)."""
    if not section.is_workers:
        return OTHERS
    if section.blocked:
        return CANNOT_START
    if section.observation or (section.targets and not section.fields):
        return COMPLETED if links else NOT_STARTED  # a task of linking, nothing to type
    typed = {k: v for k, v in (values or {}).items() if str(v or "").strip()}
    prefilled = {spec.key for spec in section.fields if spec.prefilled}
    if not values or not any(k not in prefilled for k in typed):
        return NOT_STARTED
    for spec in section.fields:
        value = str((values or {}).get(spec.key) or "")
        if field_problems(spec, value):
            return IN_PROGRESS
        if spec.required and not spec.condition and not value.strip():
            return IN_PROGRESS
    return COMPLETED
