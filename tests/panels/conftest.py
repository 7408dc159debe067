import datetime

import pytest
from django.utils import timezone

from frameworks.models import ProgressionRoute


@pytest.fixture
def lincolnshire_route(db):
    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="lincolnshire", framework__status="published", code="L1-L2"
    )


@pytest.fixture
def dudley_route(db):
    return ProgressionRoute.objects.select_related("framework").get(
        framework__organisation__slug="dudley", framework__status="published", code="SW-SSW"
    )


@pytest.fixture
def coordinator(demo_people):
    return demo_people["lincolnshire.coordinator"]


def at(days, hour=10):
    """An aware datetime `days` from today at `hour` o'clock, London time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
