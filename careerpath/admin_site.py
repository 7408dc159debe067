from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from careerpath.permissions import can_use_admin


class CareerpathAdminSite(admin.AdminSite):
    site_header = "careerpath administration"
    site_title = "careerpath administration"

    def each_context(self, request):
        context = super().each_context(request)
        organisation = getattr(request.user, "organisation", None)
        if organisation is not None:
            context["site_header"] = f"{organisation.name}: administration"
        return context

    def has_permission(self, request):
        return can_use_admin(request.user)

    def admin_view(self, view, cacheable=False):
        # Someone signed in without access is refused at once, not sent round a loop of
        # sign-in pages.
        inner = super().admin_view(view, cacheable)

        def refuse_signed_in_without_access(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_signed_in_without_access, inner)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole service, with its throttling.
        if request.user.is_authenticated:
            raise PermissionDenied
        next_url = request.GET.get("next", reverse("admin:index"))
        return redirect_to_login(next_url, reverse("careerpath:login"))
