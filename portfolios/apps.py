from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    """What a worker shows. Reads frameworks; never imports panels."""

    name = "portfolios"
    verbose_name = "Portfolios"

    def ready(self):
        from careerpath.demo import demo_data_loaded
        from careerpath.models import Role
        from careerpath.selectors import register_attention
        from portfolios.selectors import evidence_library_attention

        demo_data_loaded.connect(load_demo_evidence, dispatch_uid="portfolios-demo-evidence")
        register_attention(Role.WORKER, evidence_library_attention)


def load_demo_evidence(sender, **kwargs):
    from portfolios.demo import demo_evidence_load

    demo_evidence_load()
