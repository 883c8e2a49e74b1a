"""Members' REST API for quality review: scorecards, reviews, the review queue, settings.

Everyone reads scorecards; supervisors and admins write them, score conversations and work the
queue; an agent reads only the reviews of their own work."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.conversations import selectors as conversation_selectors
from parley.quality import selectors, services
from parley.quality.models import QueueStatus
from parley.quality.payloads import queue_item_payload, review_payload, scorecard_payload
from parley.quality.services.scorecards import MAX_CRITERIA

PAGE_SIZE = 50


class CriterionIn(serializers.Serializer):
    label = serializers.CharField(max_length=120)  # type: ignore[assignment]
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    weight = serializers.IntegerField(min_value=1, max_value=100, default=1)
    max_score = serializers.IntegerField(min_value=1, max_value=10, default=1)
    critical = serializers.BooleanField(default=False)


def _criteria(data: list[dict[str, Any]]) -> list[services.CriterionInput]:
    return [
        services.CriterionInput(
            label=c["label"],
            description=c.get("description", ""),
            weight=c["weight"],
            max_score=c["max_score"],
            critical=c["critical"],
        )
        for c in data
    ]


class ScorecardIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    active = serializers.BooleanField(default=True)
    criteria = CriterionIn(many=True, max_length=MAX_CRITERIA)  # type: ignore[call-arg]


class ScorecardPatch(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    active = serializers.BooleanField(required=False)
    criteria = CriterionIn(many=True, required=False, max_length=MAX_CRITERIA)  # type: ignore[call-arg]


class ScorecardListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="quality_scorecards_list",
        parameters=[OpenApiParameter("active", bool)],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        active = request.query_params.get("active")
        scorecards = selectors.scorecard_list(
            workspace_id=self.member.workspace_id,
            active=None if active in (None, "") else active in ("1", "true"),
        )
        return Response([scorecard_payload(s) for s in scorecards])

    @extend_schema(request=ScorecardIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = ScorecardIn(data=request.data)
        data.is_valid(raise_exception=True)
        scorecard = services.scorecard_create(
            actor=self.member,
            name=data.validated_data["name"],
            active=data.validated_data["active"],
            criteria=_criteria(data.validated_data["criteria"]),
        )
        found = selectors.scorecard_get(
            workspace_id=self.member.workspace_id, scorecard_id=scorecard.pk
        )
        return Response(scorecard_payload(found), status=status.HTTP_201_CREATED)


class ScorecardDetailView(WorkspaceAPIView):
    @extend_schema(operation_id="quality_scorecards_retrieve", responses=None)
    def get(self, request: Request, workspace: str, scorecard_id: int) -> Response:
        scorecard = selectors.scorecard_get(
            workspace_id=self.member.workspace_id, scorecard_id=scorecard_id
        )
        return Response(scorecard_payload(scorecard))

    @extend_schema(request=ScorecardPatch, responses=None)
    def patch(self, request: Request, workspace: str, scorecard_id: int) -> Response:
        data = ScorecardPatch(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scorecard = selectors.scorecard_get(
            workspace_id=self.member.workspace_id, scorecard_id=scorecard_id
        )
        services.scorecard_update(
            actor=self.member,
            scorecard=scorecard,
            name=values.get("name"),
            active=values.get("active"),
            criteria=_criteria(values["criteria"]) if "criteria" in values else None,
        )
        found = selectors.scorecard_get(
            workspace_id=self.member.workspace_id, scorecard_id=scorecard_id
        )
        return Response(scorecard_payload(found))


class ScoreIn(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=10)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _scores(data: list[dict[str, Any]]) -> list[services.ScoreInput]:
    return [
        services.ScoreInput(
            criterion=s["criterion"], score=s["score"], comment=s.get("comment", "")
        )
        for s in data
    ]


class ReviewIn(serializers.Serializer):
    conversation = serializers.IntegerField()
    scorecard = serializers.IntegerField()
    scores = ScoreIn(many=True, max_length=MAX_CRITERIA)  # type: ignore[call-arg]
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewPatch(serializers.Serializer):
    scores = ScoreIn(many=True, required=False, max_length=MAX_CRITERIA)  # type: ignore[call-arg]
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviewFilters(serializers.Serializer):
    agent = serializers.RegexField(r"^(me|\d+)$", required=False)
    conversation = serializers.IntegerField(required=False)
    page = serializers.IntegerField(min_value=1, default=1)


class ReviewListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="quality_reviews_list",
        parameters=[
            OpenApiParameter("agent", str, description="a member id or `me`"),
            OpenApiParameter("conversation", int),
            OpenApiParameter("page", int),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = ReviewFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        agent = filters.get("agent")
        reviews = selectors.review_list(
            member=self.member,
            agent_id=self.member.pk if agent == "me" else int(agent) if agent else None,
            conversation_id=filters.get("conversation"),
        )
        start = (filters["page"] - 1) * PAGE_SIZE
        rows = list(reviews[start : start + PAGE_SIZE + 1])
        return Response(
            {
                "results": [review_payload(r) for r in rows[:PAGE_SIZE]],
                "next_page": filters["page"] + 1 if len(rows) > PAGE_SIZE else None,
            }
        )

    @extend_schema(request=ReviewIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conversation = conversation_selectors.conversation_for_member(
            member=self.member, conversation_id=values["conversation"]
        )
        scorecard = selectors.scorecard_get(
            workspace_id=self.member.workspace_id, scorecard_id=values["scorecard"]
        )
        review = services.review_create(
            actor=self.member,
            conversation=conversation,
            scorecard=scorecard,
            scores=_scores(values["scores"]),
            comment=values["comment"],
        )
        found = selectors.review_get(member=self.member, review_id=review.pk)
        return Response(review_payload(found), status=status.HTTP_201_CREATED)


class ReviewDetailView(WorkspaceAPIView):
    @extend_schema(operation_id="quality_reviews_retrieve", responses=None)
    def get(self, request: Request, workspace: str, review_id: int) -> Response:
        return Response(
            review_payload(selectors.review_get(member=self.member, review_id=review_id))
        )

    @extend_schema(request=ReviewPatch, responses=None)
    def patch(self, request: Request, workspace: str, review_id: int) -> Response:
        data = ReviewPatch(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = selectors.review_get(member=self.member, review_id=review_id)
        services.review_update(
            actor=self.member,
            review=review,
            scores=_scores(values["scores"]) if "scores" in values else None,
            comment=values.get("comment"),
        )
        return Response(
            review_payload(selectors.review_get(member=self.member, review_id=review_id))
        )


class QueueFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=QueueStatus.values, required=False)
    agent = serializers.IntegerField(required=False)
    page = serializers.IntegerField(min_value=1, default=1)


class QueueListView(WorkspaceAPIView):
    @extend_schema(
        operation_id="quality_queue_list",
        parameters=[
            OpenApiParameter("status", str, enum=QueueStatus.values),
            OpenApiParameter("agent", int),
            OpenApiParameter("page", int),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = QueueFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        items = selectors.queue_list(
            member=self.member, status=filters.get("status"), agent_id=filters.get("agent")
        )
        start = (filters["page"] - 1) * PAGE_SIZE
        rows = list(items[start : start + PAGE_SIZE + 1])
        return Response(
            {
                "results": [queue_item_payload(i) for i in rows[:PAGE_SIZE]],
                "next_page": filters["page"] + 1 if len(rows) > PAGE_SIZE else None,
            }
        )


class QueueSkipView(WorkspaceAPIView):
    @extend_schema(request=None, responses=None)
    def post(self, request: Request, workspace: str, item_id: int) -> Response:
        item = selectors.queue_item_get(member=self.member, item_id=item_id)
        services.queue_item_skip(actor=self.member, item=item)
        return Response(queue_item_payload(item))


class SettingsIn(serializers.Serializer):
    sample_size = serializers.IntegerField(min_value=0, max_value=50)


class QualitySettingsView(WorkspaceAPIView):
    @extend_schema(operation_id="quality_settings_retrieve", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        found = selectors.quality_settings(workspace_id=self.member.workspace_id)
        return Response({"sample_size": found.sample_size})

    @extend_schema(request=SettingsIn, responses=None)
    def patch(self, request: Request, workspace: str) -> Response:
        data = SettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.quality_settings_update(
            actor=self.member, sample_size=data.validated_data["sample_size"]
        )
        return Response({"sample_size": updated.sample_size})
