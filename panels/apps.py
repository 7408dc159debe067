from django.apps import AppConfig


class PanelsConfig(AppConfig):
    """What the organisation decides. Reads portfolios and frameworks."""

    name = "panels"

    def ready(self):
        from careerpath.demo import demo_data_loaded
        from careerpath.models import Role
        from careerpath.selectors import register_attention
        from panels.selectors import booking_attention, coordinator_attention

        # After the frameworks' reference data: sessions need the routes.
        demo_data_loaded.connect(load_demo_sessions, dispatch_uid="panels-demo-data")
        register_attention(Role.PROGRESSION_COORDINATOR, coordinator_attention)
        register_attention(Role.WORKER, booking_attention)


def load_demo_sessions(sender, **kwargs):
    from panels.demo import demo_bookings_load, demo_sessions_load

    demo_sessions_load()
    demo_bookings_load()
