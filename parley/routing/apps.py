from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "parley.routing"
    label = "routing"
