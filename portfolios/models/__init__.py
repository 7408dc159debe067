"""What a worker shows: the evidence library, practice observations and applications."""

from portfolios.models.applications import (
    CLOSED_STATES,
    Application,
    ApplicationAnswer,
    ApplicationState,
    Attestation,
    EvidenceLink,
    Submission,
)
from portfolios.models.evidence import (
    BIN_DAYS,
    KIND_CHOICES,
    KIND_LABELS,
    RATINGS,
    EvidenceFile,
    EvidenceItem,
    EvidenceItemQuerySet,
)
from portfolios.models.observations import ObservationStatus, PracticeObservation, PracticeType
from portfolios.models.reviews import Comment, Declaration, Referral, ReviewReminder

__all__ = [
    "BIN_DAYS",
    "CLOSED_STATES",
    "KIND_CHOICES",
    "KIND_LABELS",
    "RATINGS",
    "Application",
    "ApplicationAnswer",
    "ApplicationState",
    "Attestation",
    "Comment",
    "Declaration",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceItemQuerySet",
    "EvidenceLink",
    "ObservationStatus",
    "PracticeObservation",
    "PracticeType",
    "Referral",
    "ReviewReminder",
    "Submission",
]
