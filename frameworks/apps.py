from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    """What a council expects. Knows nothing of portfolios or panels."""

    name = "frameworks"

    def ready(self):
        from careerpath.demo import demo_data_loaded
        from careerpath.models import Role
        from careerpath.selectors import register_attention, register_home_section
        from frameworks import home
        from frameworks.selectors import drafts_to_publish, shared_plans_attention

        demo_data_loaded.connect(load_reference_data, dispatch_uid="frameworks-demo-data")
        register_attention(Role.WORKER, home.worker_progress)
        register_attention(Role.FRAMEWORK_EDITOR, drafts_to_publish)
        register_attention(Role.FRAMEWORK_EDITOR, home.ways_to_start_a_draft)
        register_home_section("Career frameworks", home.frameworks_for_everyone)
        register_attention(Role.LINE_MANAGER, shared_plans_attention(Role.LINE_MANAGER))
        register_attention(
            Role.PRACTICE_SUPERVISOR, shared_plans_attention(Role.PRACTICE_SUPERVISOR)
        )


def load_reference_data(sender, **kwargs):
    from frameworks.demo import reference_data_load

    reference_data_load()
