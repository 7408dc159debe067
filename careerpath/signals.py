from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from careerpath.services import audit_record


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="signed_in", target=user)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="signed_out", target=user)
