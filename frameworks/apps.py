from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    """What a council expects. Knows nothing of portfolios or panels."""

    name = "frameworks"

    def ready(self):
        from careerpath.demo import demo_data_loaded

        demo_data_loaded.connect(load_reference_data, dispatch_uid="frameworks-demo-data")


def load_reference_data(sender, **kwargs):
    from frameworks.demo import reference_data_load

    reference_data_load()
