from django.conf import settings


def site(request):
    """The header's organisation name and service name."""
    user = getattr(request, "user", None)
    organisation = getattr(user, "organisation", None) if user and user.is_authenticated else None
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": organisation.name if organisation else "",
    }
