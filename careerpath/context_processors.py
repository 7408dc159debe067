from django.conf import settings

from careerpath.models import Role
from careerpath.permissions import has_role
from careerpath.services import COVERING_ROLES


def site(request):
    """The header's organisation name and service name."""
    user = getattr(request, "user", None)
    organisation = getattr(user, "organisation", None) if user and user.is_authenticated else None
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": organisation.name if organisation else "",
        # Called by the template only when it renders the header (the roles are usually read
        # already for the page): the "Reviews" link for people who hold a review step.
        "holds_reviews": lambda: bool(organisation) and has_role(user, *COVERING_ROLES),
        "holds_hr": lambda: bool(organisation) and has_role(user, Role.HR),
        "holds_organisation_admin": lambda: (
            bool(organisation) and has_role(user, Role.ORGANISATION_ADMIN)
        ),
    }
