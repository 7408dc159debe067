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

        # Practice observations: the library feeds the self-assessment's facts; observers and
        # workers find their observations on the home page; demo observations follow the
        # demo libraries.
        from frameworks.facts import register_evidence_source
        from portfolios.selectors import evidence_facts_for
        from portfolios.selectors_observations import home_providers

        register_evidence_source(evidence_facts_for)
        for role, provider in home_providers():
            register_attention(role, provider)
        demo_data_loaded.connect(
            load_demo_observations, dispatch_uid="portfolios-demo-observations"
        )
        # A worker's applications on their home page.
        from portfolios.applications.selectors import applications_attention

        register_attention(Role.WORKER, applications_attention)
        # A retired framework version stays readable to those with an application on it.
        from frameworks.permissions import register_version_work_check
        from portfolios.applications.permissions import has_application_on_version

        register_version_work_check(has_application_on_version)
        # Demo applications follow the libraries and observations they link.
        demo_data_loaded.connect(
            load_demo_applications, dispatch_uid="portfolios-demo-applications"
        )

        # Managers agree that their people may book a panel place (routes that book first).
        from portfolios.applications.agreement import MANAGER_FIELDS, agreement_attention

        for role in MANAGER_FIELDS:
            register_attention(role, agreement_attention(role))

        # Reviewers find what waits for them, under the first reviewing role they hold.
        from portfolios.applications.home_reviews import REVIEWING_ROLES, reviews_attention

        for role in REVIEWING_ROLES:
            register_attention(role, reviews_attention(role))

        # Subject access and retention: a person's evidence and applications in their zip, and
        # the daily purge of what the council keeps no longer.
        from careerpath.data_export import register_personal_data_provider
        from careerpath.retention import register_retention_purger
        from portfolios.retention import retention_purge_portfolios
        from portfolios.subject_access import personal_data_for

        register_personal_data_provider(personal_data_for)
        register_retention_purger(retention_purge_portfolios)


def load_demo_evidence(sender, **kwargs):
    from portfolios.demo import demo_evidence_load

    demo_evidence_load()


def load_demo_applications(sender, **kwargs):
    from portfolios.demo_applications import demo_applications_load
    from portfolios.demo_submissions import demo_submissions_load

    demo_applications_load()
    demo_submissions_load()


def load_demo_observations(sender, **kwargs):
    from portfolios.demo_observations import demo_observations_load

    demo_observations_load()
