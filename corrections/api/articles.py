"""Article endpoints: thin views that call one service or selector each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..domain.commands import ChangeRequest
from ..models import Event
from ..selectors.sources import article_by_url
from ..services.meta import request_meta
from ..throttles import HistoryThrottle
from . import serializers as s
from .common import validated
from .permissions import IsEditor

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Malformed JSON or invalid fields."),
    404: OpenApiResponse(s.ErrorSerializer, description="No article with that slug."),
    413: OpenApiResponse(s.ErrorSerializer, description="Body larger than API_MAX_BODY_BYTES."),
}
WRITE_ERRORS = {
    **ERRORS,
    403: OpenApiResponse(s.ErrorSerializer, description="Not an editor."),
    409: OpenApiResponse(s.ConflictSerializer, description="The text changed after expected_version."),
    422: OpenApiResponse(s.ErrorSerializer, description="The change cannot be applied (e.g. quote not found)."),
}


class ArticleListCreate(generics.ListAPIView):
    """List articles (public) or publish one (editors)."""

    serializer_class = s.ArticleSerializer

    def get_queryset(self) -> Any:
        url = self.request.query_params.get("url")
        if url is not None:
            # The widget on the newsroom's own page finds its article by the page's canonical URL.
            return article_by_url(url).prefetch_related("notes")
        return selectors.article_list()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "url", str, description="A page's address on the newsroom's site: lists the article tracked there."
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_permissions(self) -> Sequence[Any]:
        return [IsEditor()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        request=s.ArticleCreateSerializer,
        responses={201: s.ArticleCreatedSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Publish",
                value={"slug": "harbour-bridge", "title": "Harbour bridge reopens", "body": "The bridge…"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ArticleCreateSerializer, request)
        recorded = services.article_publish(**data, meta=request_meta(request))
        return Response(
            {"id": recorded.stream_id, "slug": data["slug"], "version": recorded.version},
            status=status.HTTP_201_CREATED,
        )


class ArticleDetail(APIView):
    @extend_schema(responses={200: s.ArticleSerializer, 404: ERRORS[404]})
    def get(self, request: Request, slug: str) -> Response:
        """The article as it stands, with its public corrections."""
        return Response(s.ArticleSerializer(selectors.article_get(slug)).data)


class RevisionCreate(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=s.RevisionSerializer, responses={201: s.VersionSerializer, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        """Revise the title or body; a revision without a note shows in history as unannounced."""
        data = validated(s.RevisionSerializer, request)
        recorded = services.article_revise(slug=slug, meta=request_meta(request), **data)
        return Response({"version": recorded.version}, status=status.HTTP_201_CREATED)


class CorrectionCreate(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=s.CorrectionSerializer,
        responses={201: s.VersionSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "Fix a name",
                value={
                    "kind": "correction",
                    "note": "An earlier version misspelled the mayor's name.",
                    "changes": [{"exact": "Jon Smith", "replacement": "John Smith"}],
                    "expected_version": 3,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        """Issue a correction, clarification, update or editor's note, optionally changing the text."""
        data = validated(s.CorrectionSerializer, request)
        changes = [ChangeRequest(**change) for change in data.pop("changes")]
        recorded = services.correction_issue(slug=slug, changes=changes, meta=request_meta(request), **data)
        return Response({"version": recorded.version}, status=status.HTTP_201_CREATED)


class RetractionCreate(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=s.RetractionSerializer, responses={201: s.VersionSerializer, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        """Retract the article, with a public note saying why."""
        data = validated(s.RetractionSerializer, request)
        recorded = services.article_retract(slug=slug, meta=request_meta(request), **data)
        return Response({"version": recorded.version}, status=status.HTTP_201_CREATED)


class EventList(generics.ListAPIView):
    """The article's event log in version order; meta shows only the kind of actor."""

    serializer_class = s.EventSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no slug
            return Event.objects.none()
        return selectors.article_events(self.kwargs["slug"])

    def paginate_queryset(self, queryset: Any) -> Any:
        # Redactors look up what they need once for the whole page, not once per event.
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.public_page(page)


class VersionDetail(APIView):
    @extend_schema(responses={200: s.ArticleVersionSerializer, 404: ERRORS[404]})
    def get(self, request: Request, slug: str, version: int) -> Response:
        """The article as it stood at a past version."""
        return Response(s.ArticleVersionSerializer(selectors.article_at_version(slug, version)).data)


class DiffDetail(APIView):
    throttle_classes = [HistoryThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="The older version."),
            OpenApiParameter("to", int, required=True, description="The newer version."),
        ],
        responses={
            200: s.DiffSerializer,
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)."),
            400: ERRORS[400],
            404: ERRORS[404],
            429: OpenApiResponse(s.ErrorSerializer, description="Too many requests; retry after Retry-After."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        """What changed between two versions, word by word (cacheable: send If-None-Match with the ETag)."""
        query = validated(s.DiffQuerySerializer, request, data=request.query_params)
        etag = selectors.history_etag(selectors.article_get(slug), query["from_"], query["to"])
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        diff = selectors.article_diff(slug, query["from_"], query["to"])
        return Response(s.DiffSerializer(diff).data, headers={"ETag": etag, "Cache-Control": "public, max-age=60"})
