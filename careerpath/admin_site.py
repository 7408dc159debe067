from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from careerpath.permissions import can_use_admin


class CareerpathAdminSite(admin.AdminSite):
    site_header = "careerpath administration"
    site_title = "careerpath administration"

    def has_permission(self, request):
        return can_use_admin(request.user)

    def login(self, request, extra_context=None):
        # One sign-in page for the whole service, with its throttling.
        return redirect_to_login(request.get_full_path(), reverse("careerpath:login"))
