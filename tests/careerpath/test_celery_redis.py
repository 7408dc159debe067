"""A real task through a real broker: Redis, as in production, with a worker in this process."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from careerpath.celery import app
from careerpath.models import Notification, User
from careerpath.tasks import send_notification_email

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]


@pytest.fixture
def redis_worker(settings):
    redis_url = os.environ["REDIS_URL"]
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.django_db(transaction=True)
def test_the_notification_e_mail_task_runs_through_redis(redis_worker):
    worker = User.objects.create(username="through.redis", email="through.redis@example.org")
    notification = Notification.objects.create(recipient=worker, subject="Through Redis", body="B")
    result = send_notification_email.delay(notification.pk)
    assert result.get(timeout=60) == "sent"
    assert [message.subject for message in mail.outbox] == ["Through Redis"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
