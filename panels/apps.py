from django.apps import AppConfig


class PanelsConfig(AppConfig):
    """What the organisation decides. Reads portfolios and frameworks."""

    name = "panels"

    def ready(self):
        from django.urls import reverse

        from careerpath.demo import demo_data_loaded
        from careerpath.models import Role
        from careerpath.selectors import register_attention
        from panels.selectors import booking_attention, coordinator_attention, next_panel_date_for
        from portfolios.applications.booking import register_booking_pages
        from portfolios.applications.selectors import register_next_panel_date

        # After the frameworks' reference data: sessions need the routes.
        demo_data_loaded.connect(load_demo_sessions, dispatch_uid="panels-demo-data")
        register_attention(Role.PROGRESSION_COORDINATOR, coordinator_attention)
        register_attention(Role.WORKER, booking_attention)
        # portfolios shows eligibility on the date that matters, and never imports panels.
        register_next_panel_date(next_panel_date_for)
        register_booking_pages(
            book=lambda pk: reverse("panels:application-book", args=[pk]),
            booked=lambda pk: reverse("panels:booking-detail", args=[pk]),
        )


def load_demo_sessions(sender, **kwargs):
    from panels.demo import demo_bookings_load, demo_sessions_load

    demo_sessions_load()
    demo_bookings_load()
