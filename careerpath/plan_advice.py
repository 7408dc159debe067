"""What a career progression panel asked of a person after deferring them (its targets and the
further work it recommended), for their development plan. The panels app records decisions and
registers the reader here (panels.apps); frameworks shows the plan and never imports panels."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class AdviceTarget:
    term: str  # "Short term"
    text: str
    due_on: datetime.date


@dataclass(frozen=True)
class PanelAdvice:
    """One deferral: what was applied for, when it was decided, and what to do next."""

    route_title: str
    decided_on: datetime.date
    further_work: str
    targets: tuple = ()  # AdviceTargets, earliest first
    application_id: int | None = None  # the deferred application, for a link to it


_readers = []


def register_plan_advice_reader(reader):
    """reader(person) -> PanelAdvice for each of their deferrals, newest first, in a fixed
    number of queries however many there are."""
    _readers[:] = [reader]


def plan_advice_for(*, person):
    if not _readers:
        return []
    return list(_readers[0](person))
