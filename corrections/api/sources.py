"""Source endpoints: editors add and watch sources; a CMS pushes signed webhooks; the unannounced-edit queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..domain.events import Recorded
from ..models import Source, UnannouncedEdit
from ..selectors import sources as source_selectors
from ..services import sources as source_services
from ..services import unannounced as unannounced_services
from ..services.meta import request_meta
from .common import validated
from .permissions import IsEditor
from .serializers import DiffSerializer, ErrorSerializer, VersionSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid fields."),
    403: OpenApiResponse(ErrorSerializer, description="Not an editor."),
    404: OpenApiResponse(ErrorSerializer, description="No such source or edit."),
    422: OpenApiResponse(ErrorSerializer, description="Refused, with the reason in words."),
}


# --- Serializers -------------------------------------------------------------------


class SourceSerializer(serializers.ModelSerializer):
    articles_tracked = serializers.IntegerField(read_only=True, help_text="Articles this source brought in.")
    webhook_url = serializers.SerializerMethodField(help_text="Where the CMS posts signed webhooks.")

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "selector",
            "interval_minutes",
            "active",
            "webhook_url",
            "articles_tracked",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "last_error_at",
            "failures",
            "next_poll_at",
            "created_at",
        ]

    def get_webhook_url(self, source: Source) -> str | None:
        if source.kind != Source.WEBHOOK:
            return None
        path = reverse("api:source-webhook", args=[source.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SourceCreatedSerializer(SourceSerializer):
    secret = serializers.CharField(
        allow_null=True, help_text="Webhook sources only: the HMAC-SHA256 key. Shown once; store it in the CMS now."
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "secret"]


class SourceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Source.KINDS)
    url = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    selector = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    interval_minutes = serializers.IntegerField(min_value=1, required=False, default=15)


class SourceUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    selector = serializers.CharField(max_length=500, required=False, allow_blank=True)
    interval_minutes = serializers.IntegerField(min_value=1, required=False)
    active = serializers.BooleanField(required=False)


class WebhookResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["published", "revised", "unchanged", "stale"])
    article = serializers.CharField(allow_null=True, help_text="The article's slug.")
    version = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="The canonical URL the page is tracked under.")


class UnannouncedEditSerializer(serializers.ModelSerializer):
    article: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)

    class Meta:
        model = UnannouncedEdit
        fields = ["id", "article", "article_title", "version", "status", "detected_at", "resolution", "resolved_at"]


class UnannouncedDetailSerializer(UnannouncedEditSerializer):
    diff = serializers.SerializerMethodField()

    class Meta(UnannouncedEditSerializer.Meta):
        fields = [*UnannouncedEditSerializer.Meta.fields, "diff"]

    @extend_schema_field(DiffSerializer)
    def get_diff(self, edit: UnannouncedEdit) -> dict[str, Any]:
        return dict(DiffSerializer(source_selectors.unannounced_diff(edit)).data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="The public note readers will see beside the edit.")


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True, help_text="For the desk: why no note."
    )


# --- Views -------------------------------------------------------------------------


class SourceListCreate(generics.ListAPIView):
    """Sources with their health (editors only)."""

    permission_classes = [IsEditor]
    serializer_class = SourceSerializer

    def get_queryset(self) -> Any:
        return source_selectors.source_list()

    @extend_schema(
        request=SourceCreateSerializer,
        responses={201: SourceCreatedSerializer, **ERRORS},
        examples=[
            OpenApiExample("A feed", value={"kind": "feed", "url": "https://news.example/feed/", "selector": ".story"}),
            OpenApiExample("A webhook", value={"kind": "webhook", "url": "https://news.example/", "name": "Ghost"}),
        ],
    )
    def post(self, request: Request) -> Response:
        """Add a source; a webhook source's ``secret`` is in this answer and never shown again."""
        data = validated(SourceCreateSerializer, request)
        source = source_services.source_create(**data, user=request.user)
        created = source_selectors.source_get(source.pk)
        body = SourceCreatedSerializer(created, context={"request": request}).data
        body["secret"] = source.secret or None
        return Response(body, status=status.HTTP_201_CREATED)


class SourceDetail(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: SourceSerializer, **ERRORS})
    def get(self, request: Request, source_id: int) -> Response:
        """One source and its health."""
        source = source_selectors.source_get(source_id)
        return Response(SourceSerializer(source, context={"request": request}).data)

    @extend_schema(request=SourceUpdateSerializer, responses={200: SourceSerializer, **ERRORS})
    def patch(self, request: Request, source_id: int) -> Response:
        """Change the name, address, body selector, interval, or pause it (``active: false``)."""
        data = validated(SourceUpdateSerializer, request)
        source_services.source_update(source_id=source_id, **data)
        source = source_selectors.source_get(source_id)
        return Response(SourceSerializer(source, context={"request": request}).data)


class SourcePoll(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=None, responses={202: OpenApiResponse(description="Queued."), **ERRORS})
    def post(self, request: Request, source_id: int) -> Response:
        """Poll the source now (in the background when a broker is configured)."""
        source_selectors.source_get(source_id)
        source_services.source_poll_enqueue(source_ids=[source_id])
        return Response({"detail": "The source will be polled now."}, status=status.HTTP_202_ACCEPTED)


class SourceWebhook(APIView):
    """A CMS pushes an article here, signed with the source's secret."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    parser_classes: list[Any] = []  # the signature is over the raw body: read it as bytes, untouched

    @extend_schema(
        request={"application/json": {"type": "object"}},
        parameters=[
            OpenApiParameter(
                "X-Newsdesk-Signature",
                str,
                OpenApiParameter.HEADER,
                description="sha256=<hex HMAC-SHA256 of the raw body with the source's secret>",
            )
        ],
        responses={
            200: WebhookResultSerializer,
            400: ERRORS[400],
            401: OpenApiResponse(ErrorSerializer, description="Missing or wrong signature; nothing was written."),
            409: OpenApiResponse(ErrorSerializer, description="The article changed meanwhile; send it again."),
            413: OpenApiResponse(ErrorSerializer, description="Body larger than API_MAX_BODY_BYTES."),
            422: ERRORS[422],
        },
        examples=[
            OpenApiExample(
                "Our payload",
                value={
                    "url": "https://news.example/2026/harbour-bridge",
                    "title": "Harbour bridge to be rebuilt",
                    "html": "<p>The council voted on Tuesday…</p>",
                    "published": "2026-11-20T08:00:00Z",
                    "modified": "2026-11-21T09:30:00Z",
                    "id": "123",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, source_id: int) -> Response:
        """Record the article the payload describes; a replay of the same payload records nothing."""
        result = source_services.webhook_receive(source_id=source_id, body=request.body, headers=request.headers)
        return Response(result)


class UnannouncedList(generics.ListAPIView):
    """Site revisions that came without a correction note, newest first (editors only)."""

    permission_classes = [IsEditor]
    serializer_class = UnannouncedEditSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["open", "noted", "waived", "all"], description="Default: open.")
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        wanted = self.request.query_params.get("status", UnannouncedEdit.OPEN)
        return source_selectors.unannounced_list(None if wanted == "all" else wanted)


class UnannouncedDetail(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: UnannouncedDetailSerializer, **ERRORS})
    def get(self, request: Request, edit_id: int) -> Response:
        """One unannounced edit with what the site changed."""
        return Response(UnannouncedDetailSerializer(source_selectors.unannounced_get(edit_id)).data)


def _answer(recorded: Recorded) -> Response:
    return Response({"version": recorded.version}, status=status.HTTP_201_CREATED)


class UnannouncedNote(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=NoteSerializer, responses={201: VersionSerializer, **ERRORS})
    def post(self, request: Request, edit_id: int) -> Response:
        """Attach a public note to the edit after the fact."""
        data = validated(NoteSerializer, request)
        return _answer(unannounced_services.unannounced_note_add(edit_id=edit_id, meta=request_meta(request), **data))


class UnannouncedWaive(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=WaiveSerializer, responses={201: VersionSerializer, **ERRORS})
    def post(self, request: Request, edit_id: int) -> Response:
        """Mark the edit as needing no public note (a typo, style)."""
        data = validated(WaiveSerializer, request)
        return _answer(unannounced_services.unannounced_waive(edit_id=edit_id, meta=request_meta(request), **data))
