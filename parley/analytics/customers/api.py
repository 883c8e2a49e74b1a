"""Customer profiles and the at-risk list (docs/churn.md, docs/api/customers.md).

The list, the follow-up mark and the model history are for supervisors and up; a contact's
profile is shown to whoever may see the contact (an agent: the contacts of conversations in
their inboxes), for the contact panel. Personal data: the phone is always masked; the e-mail is
masked for members without "view PII" (parley/privacy/permissions.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.models import Member
from parley.analytics.customers import selectors
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.analytics.customers.services import NOTE_LIMIT, profile_follow_up
from parley.api_base import WorkspaceAPIView
from parley.contacts.models import Contact
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import InboxKind
from parley.privacy.mask import mask_email, mask_field
from parley.privacy.permissions import can_view_pii

LEVELS = ("high", "medium", "low")


def contact_out(contact: Contact, member: Member) -> dict[str, Any]:
    email = contact.email
    return {
        "id": contact.pk,
        "name": contact.name,
        "display_name": contact.display_name,
        "email": email if not email or can_view_pii(member) else mask_email(email),
        "phone": mask_field(contact.phone),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def profile_out(profile: ContactProfile) -> dict[str, Any]:
    by = profile.followed_up_by
    return {
        "computed_at": profile.computed_at.isoformat(),
        "risk": profile.risk,
        "risk_level": profile.risk_level or None,
        "reasons": profile.reasons,
        "model_version": profile.model_version,
        "recency_days": profile.recency_days,
        "first_conversation_at": _iso(profile.first_conversation_at),
        "last_conversation_at": _iso(profile.last_conversation_at),
        "conversations": {
            "last_30_days": profile.conversations_30d,
            "last_90_days": profile.conversations_90d,
            "total": profile.conversations_total,
        },
        "channels": profile.channels,
        "topics": [{"topic": t, "conversations": n} for t, n in profile.topics],
        "keywords": profile.keywords,
        "sentiment": {
            "mean": profile.sentiment_mean,
            "last": profile.sentiment_last,
            "trend": profile.sentiment_trend or None,
        },
        "unresolved": profile.unresolved,
        "csat": {
            "mean": profile.csat_mean,
            "last": profile.csat_last,
            "responses": profile.csat_responses,
        },
        "reopened": profile.reopened,
        "sla_breaches": profile.sla_breaches,
        "wait_mean_seconds": profile.wait_mean_seconds,
        "abandoned": profile.abandoned,
        "followed_up": (
            {
                "at": profile.followed_up_at.isoformat(),
                "by": {"id": by.pk, "name": by.user.display_name or by.user.email} if by else None,
                "note": profile.follow_up_note,
            }
            if profile.followed_up_at
            else None
        ),
    }


def model_out(model: ChurnModel | None) -> dict[str, Any] | None:
    if model is None:
        return None
    return {
        "version": model.version,
        "trained_at": model.created_at.isoformat(),
        "active": model.active,
        "horizon_days": model.horizon_days,
        "active_days": model.active_days,
        "train_rows": model.train_rows,
        "train_positives": model.train_positives,
        "cutoffs": len(model.cutoffs),
        "validation": model.validation,
    }


class AtRiskFiltersIn(serializers.Serializer):
    level = serializers.CharField(required=False, default="high,medium", max_length=40)
    followed_up = serializers.ChoiceField(choices=["yes", "no", "any"], default="no")
    channel = serializers.ChoiceField(choices=InboxKind.values, required=False, default="")
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=200)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100000)

    def validate_level(self, value: str) -> tuple[str, ...]:
        levels = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
        if not levels or any(v not in LEVELS for v in levels):
            raise serializers.ValidationError("one or more of high, medium, low")
        return levels


def _valid(serializer: serializers.Serializer, message: str) -> dict[str, Any]:
    if not serializer.is_valid():
        raise ApplicationError(
            ErrorCode.INVALID,
            message,
            fields={k: str(v[0]) for k, v in serializer.errors.items()},
        )
    return dict(serializer.validated_data)


class AtRiskListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="v1_workspaces_analytics_customers_at_risk",
        parameters=[
            OpenApiParameter("level", str, description="comma-separated: high, medium, low"),
            OpenApiParameter("followed_up", str, enum=["yes", "no", "any"]),
            OpenApiParameter("channel", str, enum=list(InboxKind.values)),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        data = _valid(AtRiskFiltersIn(data=request.query_params), "Check the filters.")
        filters = selectors.AtRiskFilters(
            levels=data["level"],
            followed_up={"yes": True, "no": False, "any": None}[data["followed_up"]],
            channel=data["channel"],
            limit=data["limit"],
            offset=data["offset"],
        )
        total, profiles = selectors.at_risk_profiles(member=self.member, filters=filters)
        model = selectors.active_churn_model(workspace_id=self.member.workspace_id)
        return Response(
            {
                "model": model_out(model),
                "count": total,
                "results": [
                    {"contact": contact_out(p.contact, self.member), **profile_out(p)}
                    for p in profiles
                ],
            }
        )


class ProfileView(WorkspaceAPIView):
    @extend_schema(operation_id="v1_workspaces_analytics_customers_profile", responses=None)
    def get(self, request: Request, workspace: str, contact_id: int) -> Response:
        contact, profile = selectors.profile_for_member(member=self.member, contact_id=contact_id)
        return Response(
            {
                "contact": contact_out(contact, self.member),
                "profile": profile_out(profile) if profile else None,
            }
        )


class FollowUpIn(serializers.Serializer):
    done = serializers.BooleanField(default=True)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_LIMIT
    )


class FollowUpView(WorkspaceAPIView):
    @extend_schema(
        operation_id="v1_workspaces_analytics_customers_follow_up",
        request=FollowUpIn,
        responses=None,
    )
    def post(self, request: Request, workspace: str, contact_id: int) -> Response:
        profile = selectors.profile_for_update(member=self.member, contact_id=contact_id)
        data = _valid(FollowUpIn(data=request.data), "Check the follow-up.")
        profile = profile_follow_up(
            actor=self.member,
            profile=profile,
            done=data["done"],
            note=data["note"],
            now=timezone.now(),
        )
        return Response(
            {"contact": contact_out(profile.contact, self.member), **profile_out(profile)}
        )


class ChurnModelsView(WorkspaceAPIView):
    @extend_schema(operation_id="v1_workspaces_analytics_churn_models", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        models = selectors.churn_models(workspace_id=self.member.workspace_id)
        return Response({"models": [model_out(m) for m in models]})
