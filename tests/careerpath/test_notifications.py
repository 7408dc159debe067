import pytest
from django.core import mail
from django.urls import reverse

from careerpath.models import Notification
from careerpath.services import notification_send
from careerpath.tasks import send_notification_email


def test_a_notification_is_e_mailed_once_after_the_transaction_commits(
    worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_send(
            recipient=worker, subject="Your application was returned", body="See the comments."
        )
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [worker.email]
    assert message.subject == "Your application was returned"
    assert "Dear Amara Okafor" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_running_the_task_again_sends_nothing_more(worker):
    notification = Notification.objects.create(recipient=worker, subject="S", body="B")
    assert send_notification_email(notification.pk) == "sent"
    assert send_notification_email(notification.pk) == "sent already"
    assert len(mail.outbox) == 1


def test_a_failed_send_gives_the_claim_back_for_the_retry(worker, monkeypatch):
    notification = Notification.objects.create(recipient=worker, subject="S", body="B")

    def refuse(*args, **kwargs):
        raise OSError("mail server unavailable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(OSError):
        send_notification_email.run(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_a_person_sees_only_their_own_notifications(client, personas):
    worker, hr = personas["worker"], personas["hr"]
    Notification.objects.create(recipient=worker, subject="For the worker", body="B")
    Notification.objects.create(recipient=hr, subject="For HR", body="B")
    client.force_login(worker)
    html = client.get(reverse("careerpath:notification-list")).content.decode()
    assert "For the worker" in html
    assert "For HR" not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, worker):
    notification = Notification.objects.create(
        recipient=worker, subject="S", body="B", url=reverse("careerpath:accessibility")
    )
    client.force_login(worker)
    response = client.get(reverse("careerpath:notification-open", args=[notification.pk]))
    assert response["Location"] == reverse("careerpath:accessibility")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_redirects_off_site(client, worker):
    notification = Notification.objects.create(
        recipient=worker, subject="S", body="Body text", url="https://evil.example/"
    )
    client.force_login(worker)
    response = client.get(reverse("careerpath:notification-open", args=[notification.pk]))
    assert response.status_code == 200
    assert "Body text" in response.content.decode()


def test_mark_all_as_read(client, worker):
    for number in range(3):
        Notification.objects.create(recipient=worker, subject=f"S{number}", body="B")
    client.force_login(worker)
    client.post(reverse("careerpath:notification-mark-all-read"))
    assert not Notification.objects.filter(recipient=worker, read_at__isnull=True).exists()
