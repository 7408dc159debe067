"""Demo organisations and people, so a fresh machine has someone to sign in as in every role.

Loading is idempotent: a second run finds everything in place and changes nothing."""

import datetime
import zlib

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from careerpath.models import (
    ContractType,
    LevelHistory,
    LevelSource,
    Organisation,
    Role,
    RoleMembership,
    Team,
    User,
)

ORGANISATIONS = [
    {
        "name": "Medway Council",
        "slug": "medway",
        "teams": [
            ("Specialist Assessment Team", "Children's Services"),
            ("Family Support Team", "Children's Services"),
            ("Adult Social Care Community Team", "Adult Social Care"),
        ],
    },
    {
        "name": "Lincolnshire County Council",
        "slug": "lincolnshire",
        "teams": [
            ("FAST (Family Assessment and Support Team)", "Children's Services"),
            ("CWD (Children with Disabilities Team)", "Children's Services"),
        ],
    },
    {
        "name": "Dudley Council",
        "slug": "dudley",
        "teams": [
            ("Assessment and Child Protection Team", "Children's Services"),
            ("Centre for Professional Practice", "Children's Services"),
        ],
    },
]

D = datetime.date

# One entry per demo person: username suffix, name, job title, team index, roles, and the
# employment facts the progression rules need. Managers are named by username suffix.
PEOPLE = {
    "medway": [
        dict(
            key="worker",
            first="Amara",
            last="Okafor",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2022, 9, 1),
            qualified=D(2022, 7, 15),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2023, 9, 1)),
            line_manager="line-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        # Two more adult social workers on SW2A: one has submitted an application to SW2B,
        # the other has written it all and is ready to submit.
        dict(
            key="adult-worker",
            first="Priya",
            last="Shah",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2021, 9, 6),
            qualified=D(2021, 7, 9),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2022, 9, 5)),
            line_manager="line-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="adult-worker-2",
            first="Daniel",
            last="Reid",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2021, 10, 4),
            qualified=D(2021, 7, 9),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2022, 10, 3)),
            line_manager="line-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="family-worker",
            first="Jake",
            last="Harding",
            title="Family Worker",
            team=1,
            roles=[Role.WORKER],
            level=("A", "Family Worker level A (Entry)", D(2024, 2, 5)),
            line_manager="line-manager",
            team_manager="team-manager",
        ),
        dict(
            key="practice-supervisor",
            first="Priya",
            last="Shah",
            title="Senior Social Worker (SW3)",
            team=2,
            roles=[Role.PRACTICE_SUPERVISOR],
            registered=D(2016, 9, 1),
            qualified=D(2016, 7, 1),
            asye=True,
            level=("SW3B", "Senior Social Worker level B", D(2021, 4, 1)),
        ),
        dict(
            key="line-manager",
            first="Tom",
            last="Bradley",
            title="Senior Practitioner",
            team=2,
            roles=[Role.LINE_MANAGER, Role.PRACTICE_SUPERVISOR],
            registered=D(2014, 9, 1),
            qualified=D(2014, 7, 1),
            asye=True,
        ),
        dict(
            key="team-manager",
            first="Grace",
            last="Adeyemi",
            title="Team Manager (SW4)",
            team=2,
            roles=[Role.TEAM_MANAGER, Role.LINE_MANAGER],
            registered=D(2010, 9, 1),
            qualified=D(2010, 7, 1),
            asye=True,
        ),
        dict(
            key="coordinator",
            first="Helen",
            last="Marsh",
            title="Workforce Development Officer",
            team=0,
            roles=[Role.PROGRESSION_COORDINATOR],
        ),
        dict(
            key="panel-member",
            first="Michael",
            last="Doyle",
            title="Head of Service",
            team=0,
            roles=[Role.PANEL_MEMBER],
        ),
        dict(
            key="appeal-authority",
            first="Sarah",
            last="Lennox",
            title="Assistant Director",
            team=None,
            roles=[Role.APPEAL_AUTHORITY],
        ),
        dict(
            key="hr",
            first="Daniel",
            last="Price",
            title="HR Business Partner",
            team=None,
            roles=[Role.HR],
        ),
        dict(
            key="framework-editor",
            first="Fiona",
            last="Walsh",
            title="Principal Social Worker",
            team=None,
            roles=[Role.FRAMEWORK_EDITOR],
        ),
        dict(
            key="admin",
            first="Oliver",
            last="Grant",
            title="Systems Administrator",
            team=None,
            roles=[Role.ORGANISATION_ADMIN],
        ),
        # Added last so the others keep their employee numbers. For the reviewers' demo
        # (portfolios/demo_reviews.py): one application returned with a comment thread, and one
        # waiting for the decision of its line manager (the deputy team manager), who is on
        # leave, covered by the team manager.
        dict(
            key="adult-worker-3",
            first="Samuel",
            last="Osei",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2021, 9, 6),
            qualified=D(2021, 7, 9),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2022, 9, 5)),
            line_manager="line-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="adult-worker-4",
            first="Laura",
            last="Bennett",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2021, 11, 1),
            qualified=D(2021, 7, 9),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2022, 11, 7)),
            line_manager="deputy-team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="deputy-team-manager",
            first="Ruth",
            last="Okoye",
            title="Deputy Team Manager",
            team=2,
            roles=[Role.LINE_MANAGER],
            registered=D(2012, 9, 1),
            qualified=D(2012, 7, 1),
            asye=True,
        ),
        # For the decisions' demo (panels/demo_decisions.py): progressed by the line manager
        # last week, so Medway's HR has a progression with its letter and checklist.
        dict(
            key="adult-worker-5",
            first="Grace",
            last="Adeyemi",
            title="Social Worker (SW2)",
            team=2,
            roles=[Role.WORKER],
            registered=D(2021, 5, 4),
            qualified=D(2021, 3, 30),
            asye=True,
            level=("SW2A", "Social Worker level A", D(2022, 5, 3)),
            line_manager="line-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
    ],
    "lincolnshire": [
        dict(
            key="worker",
            first="Ellie",
            last="Turner",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2023, 6, 12),
            qualified=D(2023, 5, 30),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2024, 6, 12)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        # Two colleagues of the Lincolnshire worker, booked on the first panel so the
        # coordinator's sessions have bookings.
        dict(
            key="colleague-1",
            first="Amira",
            last="Hussain",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 9, 5),
            qualified=D(2022, 7, 20),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2023, 9, 5)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="colleague-2",
            first="Tom",
            last="Fletcher",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2023, 1, 16),
            qualified=D(2022, 12, 1),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2024, 1, 16)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="practice-supervisor",
            first="Ravi",
            last="Patel",
            title="Practice Supervisor",
            team=0,
            roles=[Role.PRACTICE_SUPERVISOR],
            registered=D(2015, 9, 1),
            qualified=D(2015, 7, 1),
            asye=True,
            level=("L2", "Level 2 Social Worker", D(2018, 4, 20)),
        ),
        dict(
            key="team-manager",
            first="Claire",
            last="Dawson",
            title="Team Manager, FAST",
            team=0,
            roles=[Role.TEAM_MANAGER, Role.LINE_MANAGER],
            registered=D(2009, 9, 1),
            qualified=D(2009, 7, 1),
            asye=True,
        ),
        dict(
            key="coordinator",
            first="Mark",
            last="Fenwick",
            title="Career Progression Panel Administrator",
            team=None,
            roles=[Role.PROGRESSION_COORDINATOR],
        ),
        dict(
            key="panel-member",
            first="Janet",
            last="Holloway",
            title="Head of Service, Children's Services",
            team=None,
            roles=[Role.PANEL_MEMBER],
        ),
        dict(
            key="appeal-authority",
            first="Robert",
            last="Ainsworth",
            title="Assistant Director, Children's Services",
            team=None,
            roles=[Role.APPEAL_AUTHORITY],
        ),
        dict(
            key="hr", first="Lucy", last="Marshall", title="HR Adviser", team=None, roles=[Role.HR]
        ),
        dict(
            key="framework-editor",
            first="Nadia",
            last="Rahman",
            title="Principal Social Worker",
            team=None,
            roles=[Role.FRAMEWORK_EDITOR],
        ),
        dict(
            key="admin",
            first="Peter",
            last="Cole",
            title="Systems Administrator",
            team=None,
            roles=[Role.ORGANISATION_ADMIN],
        ),
        # Added last so the others keep their employee numbers. For the reviewers' demo
        # (portfolios/demo_reviews.py): booked with the worker and submitted; the practice
        # supervisor has the first one's report to write and has written the second one's,
        # which waits for the team manager's endorsement.
        dict(
            key="colleague-3",
            first="Megan",
            last="Clarke",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 6, 6),
            qualified=D(2022, 5, 20),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2023, 6, 6)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="colleague-4",
            first="Josh",
            last="Webster",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 10, 3),
            qualified=D(2022, 7, 15),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2023, 10, 2)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        # For the decisions' demo (panels/demo_decisions.py): heard at last week's panel, one
        # progressed to Level 2 and one deferred, who has appealed; and the second Head of
        # Service who sits on the panel with the chair.
        dict(
            key="colleague-5",
            first="Priya",
            last="Shah",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 3, 7),
            qualified=D(2022, 2, 1),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2023, 3, 6)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="colleague-6",
            first="Daniel",
            last="Okafor",
            title="Level 1 Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 4, 19),
            qualified=D(2022, 3, 25),
            asye=True,
            level=("L1", "Level 1 Social Worker", D(2023, 4, 19)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="head-of-service",
            first="Fiona",
            last="Bradshaw",
            title="Head of Service, Children's Social Care",
            team=None,
            roles=[Role.PANEL_MEMBER],
        ),
    ],
    "dudley": [
        dict(
            key="worker",
            first="Hannah",
            last="Brookes",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 8, 1),
            qualified=D(2022, 7, 1),
            asye=True,
            level=("SW", "Social Worker", D(2022, 9, 5)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="temporary-worker",
            first="Kwame",
            last="Mensah",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            contract=ContractType.TEMPORARY,
            registered=D(2021, 3, 1),
            qualified=D(2021, 1, 15),
            asye=True,
            level=("SW", "Social Worker", D(2023, 1, 9)),
            line_manager="team-manager",
            team_manager="team-manager",
        ),
        dict(
            key="practice-supervisor",
            first="Sophie",
            last="Green",
            title="Advanced Practitioner",
            team=0,
            roles=[Role.PRACTICE_SUPERVISOR],
            registered=D(2013, 9, 1),
            qualified=D(2013, 7, 1),
            asye=True,
            level=("SSW", "Senior Social Worker", D(2017, 3, 15)),
        ),
        dict(
            key="team-manager",
            first="Andrew",
            last="Wright",
            title="Team Manager",
            team=0,
            roles=[Role.TEAM_MANAGER, Role.LINE_MANAGER],
            registered=D(2008, 9, 1),
            qualified=D(2008, 7, 1),
            asye=True,
        ),
        dict(
            key="coordinator",
            first="Beverley",
            last="Hughes",
            title="Centre for Professional Practice Team Manager",
            team=1,
            roles=[Role.PROGRESSION_COORDINATOR, Role.PANEL_MEMBER],
        ),
        dict(
            key="panel-member",
            first="Imran",
            last="Hussain",
            title="Principal Social Worker",
            team=1,
            roles=[Role.PANEL_MEMBER],
        ),
        dict(
            key="appeal-authority",
            first="Catherine",
            last="Moore",
            title="Director of Children's Services",
            team=None,
            roles=[Role.APPEAL_AUTHORITY],
        ),
        dict(
            key="hr", first="Gareth", last="Evans", title="HR Officer", team=None, roles=[Role.HR]
        ),
        dict(
            key="framework-editor",
            first="Joanne",
            last="Baker",
            title="Workforce Development Lead",
            team=1,
            roles=[Role.FRAMEWORK_EDITOR],
        ),
        dict(
            key="admin",
            first="Sanjay",
            last="Kapoor",
            title="Systems Administrator",
            team=None,
            roles=[Role.ORGANISATION_ADMIN],
        ),
        # Added last so the others keep their employee numbers (and named to sort after the
        # others: the practice supervisor's demo draft observation stays with the temporary
        # worker). For the reviewers' demo (portfolios/demo_reviews.py): referred by the team
        # manager and submitted; the first waits, overdue, for the line manager's summary, the
        # second for the coordinator to confirm the criteria are met.
        dict(
            key="worker-2",
            first="Aisha",
            last="Begum",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 8, 1),
            qualified=D(2022, 7, 1),
            asye=True,
            level=("SW", "Social Worker", D(2022, 9, 5)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="worker-3",
            first="Liam",
            last="Carter",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2021, 9, 6),
            qualified=D(2021, 7, 1),
            asye=True,
            level=("SW", "Social Worker", D(2021, 9, 6)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        # For the decisions' demo (panels/demo_decisions.py): heard at Dudley's panel this
        # week, one progressed to Senior Social Worker and one not progressed, both with targets.
        dict(
            key="worker-4",
            first="Chloe",
            last="Bennett",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2021, 3, 1),
            qualified=D(2021, 1, 20),
            asye=True,
            level=("SW", "Social Worker", D(2021, 3, 1)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
        dict(
            key="worker-5",
            first="Marcus",
            last="Reid",
            title="Social Worker",
            team=0,
            roles=[Role.WORKER],
            registered=D(2022, 1, 10),
            qualified=D(2021, 12, 1),
            asye=True,
            level=("SW", "Social Worker", D(2022, 1, 10)),
            line_manager="team-manager",
            practice_supervisor="practice-supervisor",
            team_manager="team-manager",
        ),
    ],
}


# Sent after the demo organisations and people exist, so each app can add its own demo data
# (frameworks loads the seeds' frameworks) without this shared app importing upwards.
demo_data_loaded = Signal()


def demo_username(slug, key):
    return f"{slug}.{key}"


def _update(instance, values):
    """Set values that differ; save only when something changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def demo_data_load(*, password=None):
    """Create or bring up to date the demo organisations, teams and people. Returns the people."""
    password = password or settings.DEMO_PASSWORD
    people = []
    for org_spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=org_spec["slug"], defaults={"name": org_spec["name"]}
        )
        _update(organisation, {"name": org_spec["name"]})
        teams = []
        for name, service_area in org_spec["teams"]:
            team, _ = Team.objects.get_or_create(
                organisation=organisation, name=name, defaults={"service_area": service_area}
            )
            _update(team, {"service_area": service_area})
            teams.append(team)

        specs = PEOPLE[org_spec["slug"]]
        by_key = {}
        for number, spec in enumerate(specs, start=1):
            username = demo_username(org_spec["slug"], spec["key"])
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username)
                user.set_password(password)
            elif not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            values = {
                "first_name": spec["first"],
                "last_name": spec["last"],
                "email": f"{username}@example.org",
                "organisation": organisation,
                "employee_number": f"{org_spec['slug'][:3].upper()}{number:04d}",
                "job_title": spec["title"],
                "team": teams[spec["team"]] if spec.get("team") is not None else None,
                "contract_type": spec.get("contract", ContractType.PERMANENT),
                "swe_registration_number": (
                    f"SW{zlib.crc32(username.encode()) % 900000 + 100000}"
                    if spec.get("registered")
                    else ""
                ),
                "swe_registration_date": spec.get("registered"),
                "qualification_date": spec.get("qualified"),
                "asye_completed": spec.get("asye", False),
            }
            if user.pk is None:
                for name, value in values.items():
                    setattr(user, name, value)
                user.save()
            else:
                _update(user, values)
            for role in spec["roles"]:
                RoleMembership.objects.get_or_create(
                    user=user, organisation=organisation, role=role
                )
            if spec.get("level"):
                code, name, started_on = spec["level"]
                LevelHistory.objects.get_or_create(
                    user=user,
                    level_code=code,
                    started_on=started_on,
                    defaults={
                        "level_name": name,
                        "source": LevelSource.PERSONNEL_RECORD,
                        "reference": "Demo personnel record",
                    },
                )
            by_key[spec["key"]] = user
            people.append(user)

        for spec in specs:
            user = by_key[spec["key"]]
            _update(
                user,
                {
                    field: by_key.get(spec.get(field))
                    for field in ("line_manager", "practice_supervisor", "team_manager")
                },
            )
    demo_data_loaded.send(sender=demo_data_load)
    return people
