from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "parley.quality"

    def ready(self) -> None:
        # Register the Celery task where no worker imports it first: the embedded scheduler and
        # `parley jobs run` look tasks up by name.
        from parley.quality import tasks  # noqa: F401
