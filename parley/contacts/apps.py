from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "parley.contacts"
    label = "contacts"
