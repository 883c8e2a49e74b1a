from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "parley.inboxes"
    label = "inboxes"
