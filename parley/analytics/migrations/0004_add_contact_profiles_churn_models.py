# Customer profiles and churn models (parley/analytics/customers/).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_chain_audit_events"),
        ("analytics", "0003_add_sentiment_models"),
        ("contacts", "0003_add_encrypted_phone_and_id_number"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChurnModel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField()),
                ("horizon_days", models.PositiveSmallIntegerField()),
                ("active_days", models.PositiveSmallIntegerField()),
                ("cutoffs", models.JSONField(default=list)),
                ("train_rows", models.PositiveIntegerField()),
                ("train_positives", models.PositiveIntegerField()),
                ("validation", models.JSONField(default=dict)),
                ("params", models.JSONField(default=dict)),
                ("active", models.BooleanField(default=False)),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.workspace",
                    ),
                ),
            ],
            options={
                "ordering": ["-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("workspace", "version"), name="churn_model_version"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("active", True)),
                        fields=("workspace",),
                        name="churn_model_one_active",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ContactProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("computed_at", models.DateTimeField()),
                ("first_conversation_at", models.DateTimeField(blank=True, null=True)),
                ("last_conversation_at", models.DateTimeField(blank=True, null=True)),
                ("recency_days", models.FloatField(blank=True, null=True)),
                ("conversations_30d", models.PositiveIntegerField(default=0)),
                ("conversations_90d", models.PositiveIntegerField(default=0)),
                ("conversations_total", models.PositiveIntegerField(default=0)),
                ("channels", models.JSONField(blank=True, default=list)),
                ("topics", models.JSONField(blank=True, default=list)),
                ("keywords", models.JSONField(blank=True, default=list)),
                ("sentiment_mean", models.FloatField(blank=True, null=True)),
                ("sentiment_last", models.FloatField(blank=True, null=True)),
                (
                    "sentiment_trend",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("improving", "Improving"),
                            ("steady", "Steady"),
                            ("worsening", "Worsening"),
                            ("", "Unknown"),
                        ],
                        default="",
                        max_length=9,
                    ),
                ),
                ("unresolved", models.PositiveIntegerField(default=0)),
                ("csat_mean", models.FloatField(blank=True, null=True)),
                ("csat_last", models.FloatField(blank=True, null=True)),
                ("csat_responses", models.PositiveIntegerField(default=0)),
                ("reopened", models.PositiveIntegerField(default=0)),
                ("sla_breaches", models.PositiveIntegerField(default=0)),
                ("wait_mean_seconds", models.FloatField(blank=True, null=True)),
                ("abandoned", models.PositiveIntegerField(default=0)),
                ("features", models.JSONField(blank=True, default=dict)),
                ("risk", models.FloatField(blank=True, null=True)),
                (
                    "risk_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("high", "High"),
                            ("medium", "Medium"),
                            ("low", "Low"),
                            ("", "None"),
                        ],
                        default="",
                        max_length=6,
                    ),
                ),
                ("reasons", models.JSONField(blank=True, default=list)),
                ("model_version", models.PositiveIntegerField(blank=True, null=True)),
                ("followed_up_at", models.DateTimeField(blank=True, null=True)),
                ("follow_up_note", models.TextField(blank=True, default="")),
                (
                    "contact",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="profile",
                        to="contacts.contact",
                    ),
                ),
                (
                    "followed_up_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.member",
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.workspace",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["workspace", "-risk"], name="analytics_profile_risk")
                ],
            },
        ),
    ]
