from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "parley.quality"
