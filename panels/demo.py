"""Demo panel sessions: each coordinator whose council's routes sit on a regular cadence has the
coming year's sessions, dated from today so the demo stays fresh. Safe to run again: a date that
already has a session is skipped."""

import datetime

from django.db import transaction
from django.utils import timezone

from careerpath.demo import demo_username
from careerpath.models import User
from panels.permissions import routes_for_sessions
from panels.scheduling import has_regular_cadence, propose_sessions
from panels.services import panel_sessions_create_from_proposals

# Where each council's demo panel meets. Lincolnshire's panel is held online (its seed, line 47);
# Dudley's seed names no place, so the room is made up for the demo.
PLACES = {
    "lincolnshire": {"meeting_url": "https://meet.example.org/lincolnshire-progression-panel"},
    "dudley": {"location": "Centre for Professional Practice, meeting room 1"},
}


@transaction.atomic
def demo_sessions_load(*, today=None):
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    created = []
    for slug, place in PLACES.items():
        coordinator = User.objects.filter(username=demo_username(slug, "coordinator")).first()
        if coordinator is None:
            continue
        for route in routes_for_sessions(coordinator).select_related("framework"):
            if not has_regular_cadence(route.panel):
                continue
            proposals = propose_sessions(panel=route.panel, year_start=tomorrow)
            created += panel_sessions_create_from_proposals(
                actor=coordinator,
                route=route,
                dates=[proposal.date for proposal in proposals],
                start_time=datetime.time(10, 0),
                end_time=datetime.time(13, 0),
                capacity=6,
                meeting_url=place.get("meeting_url", ""),
                location=place.get("location", ""),
            )
    return created
