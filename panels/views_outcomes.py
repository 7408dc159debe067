"""The coordinator's list of panel outcomes due on routes with a working-day service level."""

from django.shortcuts import render
from django.utils import timezone

from panels.outcomes_due import outcomes_due_for
from panels.permissions import require_coordinator


def outcomes_due(request):
    require_coordinator(request.user)
    today = timezone.localdate()
    return render(request, "panels/outcomes_due.html", {
        "rows": outcomes_due_for(user=request.user, today=today), "today": today,
    })  # fmt: skip
