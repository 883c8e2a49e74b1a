from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "parley.compliance"
    label = "compliance"
    verbose_name = "Privacy and compliance"
