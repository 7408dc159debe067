from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/propose/", views.session_propose, name="session-propose"),
    path("sessions/upcoming/", views.session_upcoming, name="session-upcoming"),
    path("sessions/<int:pk>/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
]
