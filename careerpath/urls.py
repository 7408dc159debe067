from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from careerpath import (
    views,
    views_cover,
    views_my_data,
    views_people,
    views_sso,
    views_staff_import,
)

careerpath_patterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/sso/callback/", views_sso.SingleSignOnCallback.as_view(), name="sso-callback"),
    path("sign-in/sso/<slug:slug>/", views_sso.SingleSignOnStart.as_view(), name="sso-start"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path(
        "notifications/mark-all-read/",
        views.notification_mark_all_read,
        name="notification-mark-all-read",
    ),
    path("cover/", views_cover.cover_list, name="cover-list"),
    path("cover/new/", views_cover.cover_create, name="cover-create"),
    path("cover/<int:pk>/end/", views_cover.cover_end, name="cover-end"),
    # A person's own data (subject access).
    path("my-data/", views_my_data.my_data, name="my-data"),
    path("my-data/request/", views_my_data.my_data_request, name="my-data-request"),
    path("my-data/<int:pk>/download/", views_my_data.my_data_download, name="my-data-download"),
    # The organisation administrator's pages: the council's people, their roles, the audit trail.
    path("people/", views_people.people, name="people"),
    path("people/<int:pk>/", views_people.person, name="person"),
    path("people/<int:pk>/roles/grant/", views_people.person_role_grant, name="person-role-grant"),
    path(
        "people/<int:pk>/roles/<int:membership_pk>/remove/",
        views_people.person_role_remove,
        name="person-role-remove",
    ),
    path("people/audit/", views_people.audit, name="audit"),
    path("people/audit/export.csv", views_people.audit_csv, name="audit-csv"),
    path("people/import/", views_staff_import.staff_import, name="staff-import"),
    path(
        "people/import/<int:pk>/",
        views_staff_import.staff_import_preview_page,
        name="staff-import-preview",
    ),
]

urlpatterns = [
    path("", include((careerpath_patterns, "careerpath"))),
    path("frameworks/", include("frameworks.urls")),
    path("panels/", include("panels.urls")),
    path("", include("portfolios.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "careerpath.views.error_403"
handler404 = "careerpath.views.error_404"
handler500 = "careerpath.views.error_500"
