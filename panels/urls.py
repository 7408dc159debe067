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
    path("applications/<int:pk>/book/", views.booking_create, name="application-book"),
    path("applications/<int:pk>/booking/", views.booking_detail, name="booking-detail"),
    path("applications/<int:pk>/booking/cancel/", views.booking_cancel, name="booking-cancel"),
    path(
        "applications/<int:pk>/booking/calendar/", views.booking_calendar, name="booking-calendar"
    ),
]
