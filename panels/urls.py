from django.urls import path

from panels import (
    views,
    views_appeals,
    views_bookings,
    views_decisions,
    views_hearing,
    views_hr,
    views_letters,
    views_membership,
    views_moves,
    views_outcomes,
    views_reports,
)

app_name = "panels"

urlpatterns = [
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/propose/", views.session_propose, name="session-propose"),
    path("sessions/upcoming/", views.session_upcoming, name="session-upcoming"),
    path("sessions/<int:pk>/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/late/", views_moves.session_late, name="session-late"),
    path("bookings/<int:pk>/move/", views_moves.booking_move_view, name="booking-move"),
    path("sessions/<int:pk>/agenda/", views_bookings.agenda, name="agenda"),
    path("bookings/", views_bookings.booking_queue, name="booking-queue"),
    path("bookings/<int:pk>/", views_bookings.coordinator_book, name="coordinator-book"),
    path("sessions/<int:pk>/members/", views_membership.session_members, name="session-members"),
    path("sessions/<int:pk>/pack/", views_membership.pack, name="pack"),
    path(
        "sessions/<int:pk>/pack/<int:application_pk>/",
        views_membership.pack_application,
        name="pack-application",
    ),
    path("outcomes/", views_outcomes.outcomes_due, name="outcomes-due"),
    path("reports/", views_reports.report_index, name="reports"),
    path("reports/<slug:slug>/", views_reports.report_detail, name="report"),
    path(
        "sessions/<int:pk>/hearing/<int:application_pk>/",
        views_hearing.hearing,
        name="hearing",
    ),
    path("appeals/", views_appeals.appeal_list, name="appeal-list"),
    path("appeals/<int:pk>/", views_appeals.appeal_detail, name="appeal-detail"),
    path("decisions/<int:pk>/appeal/", views_appeals.appeal_lodge, name="decision-appeal"),
    path("decisions/<int:pk>/", views_decisions.decision_record_view, name="decision-record"),
    path("letters/<int:pk>/pdf/", views_letters.letter_pdf, name="letter-pdf"),
    path("letters/<int:pk>/reissue/", views_letters.letter_reissue, name="letter-reissue"),
    path("hr/decisions/", views_hr.hr_decisions, name="hr-decisions"),
    path("hr/decisions/export.csv", views_hr.hr_decisions_csv, name="hr-decisions-csv"),
    path("hr/decisions/<int:pk>/", views_hr.hr_decision, name="hr-decision"),
    path("hr/checklist/", views_hr.hr_checklist, name="hr-checklist"),
    path(
        "hr/checklist/<int:pk>/deactivate/",
        views_hr.hr_checklist_deactivate,
        name="hr-checklist-deactivate",
    ),
    path("hr/letters.zip", views_hr.hr_letters_zip, name="hr-letters-zip"),
    path("applications/<int:pk>/book/", views.booking_create, name="application-book"),
    path("applications/<int:pk>/booking/", views.booking_detail, name="booking-detail"),
    path("applications/<int:pk>/booking/cancel/", views.booking_cancel, name="booking-cancel"),
    path(
        "applications/<int:pk>/booking/calendar/", views.booking_calendar, name="booking-calendar"
    ),
]
