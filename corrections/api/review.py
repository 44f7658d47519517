"""The editors' review queue over HTTP: list, inspect, assign, accept, reject, close duplicates; desk metrics.

Editors only: anyone else gets 403. Views are thin: a serializer validates, one
service or selector does the work, and domain errors are mapped in ``exceptions``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..domain.events import CORRECTION_KINDS
from ..domain.text import parse_id
from ..models import Event, Suggestion
from ..selectors import metrics as metrics_selectors
from ..selectors import review as selectors
from ..services import review as services
from ..services.meta import request_meta
from .common import validated
from .permissions import IsEditor
from .serializers import NOTE_MAX, ConflictSerializer, DiffOpSerializer, ErrorSerializer

REPLACEMENT_MAX = 5_000

# --- Serializers --------------------------------------------------------------------


class QueueArticleSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    version = serializers.IntegerField(help_text="The article's current version: send it as expected_version.")


class SuggestionSerializer(serializers.ModelSerializer):
    article = QueueArticleSerializer(read_only=True)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, read_only=True, default=None)
    duplicate_of = serializers.UUIDField(source="duplicate_of_id", allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()
    exact = serializers.CharField(
        source="current_exact",
        read_only=True,
        help_text="The passage as it stands in the current text, between start and end (empty once deleted).",
    )
    quote = serializers.CharField(
        source="exact", read_only=True, help_text="The reader's selection, as it stood in against_version."
    )
    start = serializers.IntegerField(read_only=True, help_text="Where the passage starts in the current text.")
    end = serializers.IntegerField(read_only=True, help_text="Where the passage ends in the current text.")
    prefix = serializers.CharField(read_only=True, help_text="Text just before the passage, in the current text.")
    suffix = serializers.CharField(read_only=True, help_text="Text just after the passage, in the current text.")
    anchor_state = serializers.ChoiceField(
        choices=[state for state, _ in Suggestion.ANCHOR_STATES],
        read_only=True,
        help_text="What revisions did to the passage: intact (perhaps moved), edited, or deleted (outdated).",
    )
    probably_resolved = serializers.BooleanField(
        read_only=True, help_text="Edited, and the reader's proposed text now stands there: close it in one step."
    )
    outdated = serializers.BooleanField(read_only=True, help_text="True exactly when anchor_state is deleted.")

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "url",
            "article",
            "status",
            "category",
            "priority",
            "assignee",
            "reporter_count",
            "exact",
            "prefix",
            "suffix",
            "start",
            "end",
            "anchor_state",
            "probably_resolved",
            "quote",
            "against_version",
            "suggestion",
            "comment",
            "outdated",
            "duplicate_of",
            "reply",
            "received_at",
            "resolved_at",
            "version",
        ]

    def get_url(self, item: Suggestion) -> str:
        return reverse("api:review-suggestion", args=[item.id])


class SelectionContextSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Where the selection is in the current text.")
    end = serializers.IntegerField()
    before = serializers.CharField(help_text="The sentence before the selection.")
    exact = serializers.CharField(help_text="The selection as it stands in the current text.")
    after = serializers.CharField(help_text="The sentence after the selection.")
    proposed = serializers.CharField(help_text="The sentence with the reader's change made.")
    ops = DiffOpSerializer(many=True, help_text="Word-level diff from the sentence to the proposed sentence.")


class RelatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    exact = serializers.CharField()
    suggestion = serializers.CharField()
    reporter_count = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=["overlaps", "duplicate"])


class HistoryEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["version", "type", "data", "actor", "recorded_at"]

    def get_actor(self, event: Event) -> str:
        actor = event.meta.get("actor", {})
        return str(actor.get("username") or actor.get("kind", "system"))


class SuggestionDetailSerializer(SuggestionSerializer):
    context = SelectionContextSerializer(  # type: ignore[assignment]  # shadows a DRF attribute
        allow_null=True, read_only=True, help_text="Null when the selection is no longer in the text."
    )
    related = RelatedSerializer(many=True, read_only=True, help_text="Items overlapping this one, and its duplicates.")
    history = HistoryEventSerializer(many=True, read_only=True, help_text="Every event about this item.")
    quote_diff = DiffOpSerializer(
        many=True,
        read_only=True,
        help_text="Word diff from the reader's selection to the passage now; empty unless anchor_state is edited.",
    )

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "context", "related", "history", "quote_diff"]

    def to_representation(self, review: selectors.ReviewItem) -> dict[str, Any]:
        data = super().to_representation(review.item)
        data["outdated"] = review.outdated
        data["context"] = SelectionContextSerializer(review.context).data if review.context else None
        data["related"] = RelatedSerializer(review.related, many=True).data
        data["history"] = HistoryEventSerializer(review.history, many=True).data
        data["quote_diff"] = DiffOpSerializer(review.quote_diff, many=True).data
        return data


class AcceptSerializer(serializers.Serializer):
    replacement = serializers.CharField(
        max_length=REPLACEMENT_MAX,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The text to put in place of the selection; the reader's suggestion if left out. Empty deletes.",
    )
    kind = serializers.ChoiceField(
        choices=CORRECTION_KINDS,
        required=False,
        help_text="Default: clarification for a clarification, else correction.",
    )
    note = serializers.CharField(
        max_length=NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Public correction note: optional for a typo fix, required for a factual correction.",
    )
    reply = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default="", help_text="A reply to the reader."
    )
    expected_version = serializers.IntegerField(min_value=0, help_text="The article version you last saw.")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="Why (kept in the log, for the desk).")
    reply = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default="", help_text="A reply to the reader."
    )


class DuplicateSerializer(serializers.Serializer):
    of = serializers.UUIDField(help_text="The suggestion on the same article that this one repeats.")


class AssignSerializer(serializers.Serializer):
    editor = serializers.CharField(max_length=150, help_text="The editor's username or user id.")


class ReviewResultSerializer(serializers.Serializer):
    suggestion = SuggestionSerializer()
    article_version = serializers.IntegerField(help_text="The article's version after this action.")


class BucketSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # shadows a DRF attribute
    count = serializers.IntegerField()


class ResolutionSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Items resolved in the window.")
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True, help_text="90th percentile of the time to resolution.")
    histogram = BucketSerializer(many=True)


class OutcomesSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(allow_null=True, help_text="accepted / (accepted + rejected).")


class SeriesSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="One count per period.")
    total = serializers.IntegerField()


class ReportsSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=metrics_selectors.BUCKETS)
    periods = serializers.ListField(child=serializers.DateField(), help_text="First day of each period.")
    series = SeriesSerializer(many=True, help_text="The most reported articles, most reports first.")
    total = serializers.IntegerField(help_text="Reports on every article in the window.")


class MetricsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    since = serializers.DateTimeField()
    generated_at = serializers.DateTimeField()
    resolution = ResolutionSerializer()
    outcomes = OutcomesSerializer()
    open_total = serializers.IntegerField()
    open_by_age = BucketSerializer(many=True)
    reports = ReportsSerializer()


class MetricsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=metrics_selectors.MAX_DAYS, required=False, default=30)
    bucket = serializers.ChoiceField(choices=metrics_selectors.BUCKETS, required=False, default="day")
    articles = serializers.IntegerField(
        min_value=1, max_value=metrics_selectors.MAX_ARTICLES, required=False, default=5
    )


# --- Filters ------------------------------------------------------------------------


class SuggestionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Suggestion.STATUSES, help_text="Repeat for several.")
    category = django_filters.MultipleChoiceFilter(choices=Suggestion.CATEGORIES, help_text="Repeat for several.")
    article = django_filters.CharFilter(field_name="article__slug", help_text="The article's slug.")
    assignee = django_filters.CharFilter(
        method="filter_assignee", help_text="An editor's username or id, `me`, or `none` for unassigned items."
    )
    open = django_filters.BooleanFilter(method="filter_open", help_text="true: new or assigned items only.")
    outdated = django_filters.BooleanFilter(help_text="true: the passage is gone (anchor_state deleted).")
    anchor_state = django_filters.MultipleChoiceFilter(
        choices=Suggestion.ANCHOR_STATES, help_text="intact, edited or deleted; repeat for several."
    )
    probably_resolved = django_filters.BooleanFilter(help_text="true: the reader's fix now stands in the text.")
    ordering = django_filters.OrderingFilter(
        fields=["received_at", "resolved_at", "priority", "reporter_count", "status", "category"],
        help_text="Prefix with - for descending, e.g. -reporter_count. Default: -priority,received_at.",
    )

    class Meta:
        model = Suggestion
        fields = ["status", "category", "article", "assignee", "open", "outdated", "anchor_state", "probably_resolved"]

    def filter_assignee(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value == "me":
            return queryset.filter(assignee_id=self.request.user.pk)
        number = parse_id(value)
        if number is not None:
            return queryset.filter(assignee_id=number)
        return queryset.filter(assignee__username=value)

    def filter_open(self, queryset: QuerySet[Suggestion], name: str, value: bool | None) -> QuerySet[Suggestion]:
        if value is None:
            return queryset
        condition = {"status__in": ["new", "assigned"]}
        return queryset.filter(**condition) if value else queryset.exclude(**condition)


# --- Views --------------------------------------------------------------------------

READ_ERRORS = {403: OpenApiResponse(ErrorSerializer, description="Not an editor.")}
DETAIL_ERRORS = {**READ_ERRORS, 404: OpenApiResponse(ErrorSerializer, description="No suggestion with that id.")}
ACTION_ERRORS = {
    **DETAIL_ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="Malformed JSON or invalid fields."),
    409: OpenApiResponse(ConflictSerializer, description="Already resolved, or the text changed (stale version)."),
    422: OpenApiResponse(ErrorSerializer, description="The action cannot apply (e.g. note missing, text gone)."),
}


def _result(suggestion_id: Any) -> Response:
    item = selectors.suggestion_get(suggestion_id)
    return Response({"suggestion": SuggestionSerializer(item).data, "article_version": item.article.version})


class SuggestionList(generics.ListAPIView):
    """The review queue, most urgent first; filter by status, category, article and assignee."""

    permission_classes = [IsEditor]
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter

    def get_queryset(self) -> QuerySet[Suggestion]:
        return selectors.review_queue()

    @extend_schema(
        responses={
            200: SuggestionSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="An unknown filter value."),
            **READ_ERRORS,
        }
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SuggestionDetail(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: SuggestionDetailSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, suggestion_id: str) -> Response:
        """One item: the selection in its sentence in the current text, the proposed change, overlaps, history."""
        return Response(SuggestionDetailSerializer(selectors.suggestion_review(suggestion_id)).data)


class SuggestionAccept(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=AcceptSerializer,
        responses={200: ReviewResultSerializer, **ACTION_ERRORS},
        examples=[
            OpenApiExample("Silent typo fix", value={"expected_version": 3}, request_only=True),
            OpenApiExample(
                "Factual correction",
                value={
                    "replacement": "£14 million",
                    "note": "An earlier version gave the wrong cost of the work.",
                    "reply": "Thank you, we have corrected it.",
                    "expected_version": 3,
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, suggestion_id: str) -> Response:
        """Accept: the change goes into the article as a correction, in one transaction with the acceptance."""
        data = validated(AcceptSerializer, request)
        services.suggestion_accept(suggestion_id=suggestion_id, meta=request_meta(request), **data)
        return _result(suggestion_id)


class SuggestionReject(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=RejectSerializer, responses={200: ReviewResultSerializer, **ACTION_ERRORS})
    def post(self, request: Request, suggestion_id: str) -> Response:
        """Reject with a reason for the desk and an optional reply to the reader."""
        data = validated(RejectSerializer, request)
        services.suggestion_reject(suggestion_id=suggestion_id, meta=request_meta(request), **data)
        return _result(suggestion_id)


class SuggestionDuplicate(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=DuplicateSerializer, responses={200: ReviewResultSerializer, **ACTION_ERRORS})
    def post(self, request: Request, suggestion_id: str) -> Response:
        """Close as a duplicate of another item on the same article; its readers count towards that one."""
        data = validated(DuplicateSerializer, request)
        services.suggestion_mark_duplicate(suggestion_id=suggestion_id, of=data["of"], meta=request_meta(request))
        return _result(suggestion_id)


class SuggestionAssign(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=AssignSerializer, responses={200: ReviewResultSerializer, **ACTION_ERRORS})
    def post(self, request: Request, suggestion_id: str) -> Response:
        """Assign to an editor (by username or id)."""
        data = validated(AssignSerializer, request)
        services.suggestion_assign(suggestion_id=suggestion_id, editor=data["editor"], meta=request_meta(request))
        return _result(suggestion_id)


class DeskMetrics(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description="The window, in days (1–366, default 30)."),
            OpenApiParameter("bucket", str, enum=list(metrics_selectors.BUCKETS), description="day (default) or week."),
            OpenApiParameter("articles", int, description="How many of the most reported articles (default 5)."),
        ],
        responses={200: MetricsSerializer, 400: ACTION_ERRORS[400], **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        """Time to resolution (median, 90th percentile), acceptance rate, open items by age, reports per article."""
        query = validated(MetricsQuerySerializer, request, request.query_params)
        return Response(MetricsSerializer(metrics_selectors.desk_metrics(**query)).data)
