"""The readiness report: lines (what is asked, met / not met / for a person, why, and where to fix
it) grouped by where they are counted."""

import datetime
from dataclasses import dataclass, field

from frameworks.rules import JUDGEMENT, MET, NOT_MET

STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", JUDGEMENT: "For a person to judge"}


@dataclass(frozen=True)
class Line:
    requirement: str  # what is asked, in plain English
    status: str  # MET / NOT_MET / JUDGEMENT
    reason: str  # why, with the numbers
    url: str = ""  # the place that fixes it
    url_text: str = ""
    rule: dict = field(default_factory=dict, compare=False)

    @property
    def label(self):
        """The requirement as a heading: without the full stop a sentence from the seed has."""
        return self.requirement.rstrip(". ")

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    lines: tuple


@dataclass(frozen=True)
class ApplicationReadiness:
    groups: tuple
    judged_on: datetime.date  # the day recency is judged on
    judged_on_label: str  # "your submission deadline", "your panel date", "today"
    eligible_on: datetime.date  # the day eligibility is judged on
    eligible_from: datetime.date | None  # the first day the time rules are met

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    @property
    def counts(self):
        counts = {MET: 0, NOT_MET: 0, JUDGEMENT: 0}
        for line in self.lines:
            counts[line.status] += 1
        return counts

    @property
    def missing(self):
        return [line for line in self.lines if line.status == NOT_MET]

    @property
    def missing_by_group(self):
        """(group title, lines not met) for each group with something missing: "A statement"
        says little without the standard or criterion it is for."""
        return [
            (group.title, missing)
            for group in self.groups
            if (missing := [line for line in group.lines if line.status == NOT_MET])
        ]

    @property
    def can_submit(self):
        """Every machine rule met (eligibility on the panel date included)."""
        return not self.missing

    @property
    def met(self):
        return self.counts[MET]

    @property
    def not_met(self):
        return self.counts[NOT_MET]

    @property
    def to_judge(self):
        return self.counts[JUDGEMENT]

    def as_dict(self):
        """Plain data for the frozen snapshot."""
        return {
            "judged_on": self.judged_on.isoformat(),
            "judged_on_label": self.judged_on_label,
            "eligible_on": self.eligible_on.isoformat(),
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "counts": self.counts,
            "groups": [
                {
                    "key": group.key,
                    "title": group.title,
                    "lines": [
                        {
                            "requirement": line.requirement,
                            "status": line.status,
                            "reason": line.reason,
                            "rule": line.rule,
                        }
                        for line in group.lines
                    ],
                }
                for group in self.groups
            ],
        }
