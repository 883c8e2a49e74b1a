from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "parley.bot"
    verbose_name = "Bot and knowledge base"
