import pytest

from careerpath.models import AuditEvent
from careerpath.services import audit_record


def test_an_audit_event_records_who_what_which_object_and_when(worker):
    event = audit_record(
        actor=worker, action="level_recorded", target=worker, details={"level": "SW2A"}
    )
    event.refresh_from_db()
    assert event.actor == worker
    assert event.organisation == worker.organisation
    assert event.target == worker
    assert event.details == {"level": "SW2A"}
    assert event.created_at is not None


def test_audit_events_cannot_be_changed_or_deleted(worker):
    event = audit_record(actor=worker, action="something", target=worker)
    event.action = "something else"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(ValueError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "something"
