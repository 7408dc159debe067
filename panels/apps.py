from django.apps import AppConfig


class PanelsConfig(AppConfig):
    """What the organisation decides. Reads portfolios and frameworks."""

    name = "panels"

    def ready(self):
        from django.db.models.signals import post_save
        from django.urls import reverse

        from careerpath.demo import demo_data_loaded
        from careerpath.models import Role
        from careerpath.selectors import register_attention
        from panels.pack import applications_in_released_packs_of, pack_attention
        from panels.selectors import booking_attention, coordinator_attention, next_panel_date_for
        from panels.services import booking_release_on_withdrawal
        from portfolios.applications.booking import register_booking_pages
        from portfolios.applications.permissions import register_submission_reader
        from portfolios.applications.selectors import register_next_panel_date
        from portfolios.models import Application

        # After the frameworks' reference data: sessions need the routes.
        demo_data_loaded.connect(load_demo_sessions, dispatch_uid="panels-demo-data")
        register_attention(Role.PROGRESSION_COORDINATOR, coordinator_attention)
        register_attention(Role.WORKER, booking_attention)
        register_attention(Role.PANEL_MEMBER, pack_attention)
        # Appeals: registers lodge_appeal's "within_appeal_window" guard with the workflow.
        from panels.appeals import appeal_attention, new_hearing_attention, worker_appeal_attention

        register_attention(Role.APPEAL_AUTHORITY, appeal_attention)
        register_attention(Role.WORKER, worker_appeal_attention)
        # An upheld appeal: the application waits for the coordinator to book a new hearing.
        register_attention(Role.PROGRESSION_COORDINATOR, new_hearing_attention)
        # Applications the coordinator books onto a session (confirmed on routes where they
        # book, and new hearings).
        from panels.coordinator_bookings import booking_queue_attention

        register_attention(Role.PROGRESSION_COORDINATOR, booking_queue_attention)
        # A full panel with people waiting, and portfolios late after a session's deadline.
        from panels.capacity import capacity_attention
        from panels.selectors_moves import late_attention

        register_attention(Role.PROGRESSION_COORDINATOR, capacity_attention)
        register_attention(Role.PROGRESSION_COORDINATOR, late_attention)
        # Outcomes due within the route's working days (Dudley's entry panels): due today or late.
        from panels.outcomes_due import outcomes_due_attention

        register_attention(Role.PROGRESSION_COORDINATOR, outcomes_due_attention)
        # HR: progressions whose checklist (the contractual forms) is not yet done.
        from panels.hr import hr_attention

        register_attention(Role.HR, hr_attention)
        # The reports (stages, time in each stage, progression rates, panels, service levels).
        from panels.reports import reports_attention

        register_attention(Role.PROGRESSION_COORDINATOR, reports_attention)
        register_attention(Role.HR, reports_attention)
        # portfolios never imports panels: it shows eligibility on the date panels gives, links
        # to the booking pages panels registers, and its withdrawals free a booked place here.
        register_next_panel_date(next_panel_date_for)
        # Decisions: a panel's is recorded by the chair of the application's session who is not
        # conflicted; the worker's application page reads it back.
        from panels.decisions import decision_for, is_deciding_chair
        from portfolios.applications.selectors import register_decision_reader
        from portfolios.applications.workflow import register_actor

        register_actor("panel_chair", is_deciding_chair)
        register_decision_reader(decision_for)
        # A deferral's targets and further work appear in the worker's development plan.
        from careerpath.plan_advice import register_plan_advice_reader
        from panels.plan_advice import deferrals_advice_for

        register_plan_advice_reader(deferrals_advice_for)
        register_booking_pages(
            book=lambda pk: reverse("panels:application-book", args=[pk]),
            booked=lambda pk: reverse("panels:booking-detail", args=[pk]),
        )
        # Members of a session read its submissions' PDFs once the pack is released.
        register_submission_reader(applications_in_released_packs_of)
        post_save.connect(
            booking_release_on_withdrawal, sender=Application, dispatch_uid="panels-withdrawal"
        )
        # Subject access: decisions, appeals and letters in the person's zip; retention counts
        # from the last decision on an application.
        from careerpath.data_export import register_personal_data_provider
        from careerpath.retention import register_decision_date_reader
        from panels.subject_access import last_decision_dates, personal_data_for

        register_personal_data_provider(personal_data_for)
        register_decision_date_reader(last_decision_dates)


def load_demo_sessions(sender, **kwargs):
    from panels.demo import demo_bookings_load, demo_sessions_load

    demo_sessions_load()
    demo_bookings_load()
    # The reviewers' demo starts from booked applications (Lincolnshire books before it writes).
    from portfolios.demo_reviews import demo_reviews_load

    demo_reviews_load()
    # Then last week's panel's decisions, an appeal, and the next panel's released pack.
    from panels.demo_decisions import demo_decisions_load

    demo_decisions_load()
