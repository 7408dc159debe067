"""Clearing the demo's sessions from a route, for tests that need the route's calendar empty.

The demo's panels have decisions that refer to them (the session heard, the session suggested
for a later attempt), and those decisions have appeals, letters and checklist ticks; each is
removed before what it refers to."""

from django.db.models import Q

from panels.models import Appeal, Booking, ChecklistTick, Decision, Letter, PanelSession


def sessions_clear(**filters):
    sessions = PanelSession.objects.filter(**filters)
    decisions = Decision.objects.filter(Q(session__in=sessions) | Q(suggested_session__in=sessions))
    Letter.objects.filter(decision__in=decisions).delete()
    ChecklistTick.objects.filter(decision__in=decisions).delete()
    Appeal.objects.filter(decision__in=decisions).delete()
    decisions.delete()
    Booking.objects.filter(session__in=sessions).delete()
    sessions.delete()
