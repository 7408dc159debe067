from django.utils import timezone

from panels.demo import demo_sessions_load
from panels.models import PanelSession, SessionStatus


def test_demo_sessions_cover_the_coming_year_and_loading_again_adds_nothing(demo_people):
    # Loaded once with the demo people (tests/conftest.py); loading again changes nothing.
    assert demo_sessions_load() == []
    today = timezone.localdate()
    # The sessions it plans; the panels the demo decisions record as already held are apart.
    planned = PanelSession.objects.filter(status=SessionStatus.PLANNED)
    lincolnshire = planned.filter(organisation__slug="lincolnshire")
    assert {timezone.localdate(s.starts_at).month for s in lincolnshire} == {4, 9, 12}
    dudley = planned.filter(organisation__slug="dudley", route_code="SW-SSW")
    assert dudley.count() == 4
    months = sorted((s.starts_at.year * 12 + s.starts_at.month) for s in dudley)
    assert [b - a for a, b in zip(months, months[1:], strict=False)] == [3, 3, 3]
    assert all(s.starts_at.date() > today for s in [*lincolnshire, *dudley])
    assert not PanelSession.objects.filter(organisation__slug="medway").exists()
    held = PanelSession.objects.exclude(status=SessionStatus.PLANNED)
    assert all(s.status == SessionStatus.HELD and s.starts_at.date() < today for s in held)
