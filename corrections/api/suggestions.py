"""Reader suggestion endpoints: report a mistake (anyone, throttled) and follow it by secret token."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..domain import suggestions as domain
from ..models import Suggestion
from ..selectors import suggestions as selectors
from ..services import suggestions as suggestion_services
from ..services.meta import request_meta
from ..throttles import SuggestionThrottle
from .serializers import ErrorSerializer, HoneypotSerializer

# --- Serializers -------------------------------------------------------------------


def _text(max_length: int, help_text: str, *, trim: bool = True) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=trim,
        help_text=help_text,
    )


class SuggestionCreateSerializer(HoneypotSerializer):
    exact = serializers.CharField(
        max_length=domain.MAX_EXACT,
        required=False,
        default="",
        allow_blank=True,
        help_text="The text the reader selected (W3C TextQuoteSelector `exact`). Leave it out for a request about "
        "the whole article or something it left out (“write to us”): then `comment` says what is wrong.",
    )
    prefix = _text(domain.MAX_CONTEXT, "Text just before the selection (about 32 characters).", trim=False)
    suffix = _text(domain.MAX_CONTEXT, "Text just after the selection (about 32 characters).", trim=False)
    start = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Where the selection starts in the article's text: a hint when the quote occurs more than once.",
    )
    end = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The article version the reader saw; default: the current one.",
    )
    suggestion = _text(domain.MAX_SUGGESTION, "The proposed replacement text.")
    comment = _text(domain.MAX_COMMENT, "What is wrong, for the editors (not shown publicly).")
    category = serializers.ChoiceField(choices=Suggestion.CATEGORIES, default="typo")
    name = _text(domain.MAX_NAME, "Optional; seen by editors only, never in the public log.")
    email = serializers.EmailField(
        required=False, default="", allow_blank=True, help_text="Optional; to tell you when an editor replies."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        bad = {
            name: "Plain text only: remove the control or text-direction characters."
            for name in ("exact", "prefix", "suffix", "suggestion", "comment", "name")
            if domain.has_control_characters(attrs.get(name, ""))
        }
        if "name" not in bad and attrs.get("name", "").strip() and domain.is_blank(attrs["name"]):
            bad["name"] = "A name needs at least one visible character."
        if bad:
            raise serializers.ValidationError(bad)
        return attrs


class SuggestionCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The queue item; a duplicate report gets the id of the item it joined.")
    token = serializers.CharField(help_text="The reader's secret: the only way to see the status later.")
    status = serializers.ChoiceField(choices=Suggestion.STATUSES)
    status_url = serializers.URLField(help_text="The reader's status page.")
    detail = serializers.CharField()


class SuggestionArticleSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="article_slug")
    title = serializers.CharField(source="article_title")


class SuggestionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Suggestion.STATUSES)
    status_label = serializers.CharField(help_text="The status in a sentence.")
    reply = serializers.CharField(help_text="The editor's public reply; empty until there is one.")
    exact = serializers.CharField(help_text="The text the reader selected.")
    suggestion = serializers.CharField(help_text="The proposed fix.")
    comment = serializers.CharField(help_text="What the reader wrote to the editors.")
    category = serializers.ChoiceField(choices=Suggestion.CATEGORIES)
    outdated = serializers.BooleanField(help_text="The selected text has since changed in the article.")
    received_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    article = SuggestionArticleSerializer(source="*", help_text="The article the suggestion is about.")


# --- Views -------------------------------------------------------------------------

INVALID = OpenApiResponse(ErrorSerializer, description="Invalid fields (with `fields`), or the honeypot was filled.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No article with that slug.")
UNANCHORED = OpenApiResponse(
    ErrorSerializer,
    description="The selected text is not in that version (`selection_not_found`), occurs several times and "
    "nothing tells which (`selection_ambiguous`), or the article is retracted.",
)
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many suggestions; retry after the Retry-After header.")


class ArticleSuggestions(APIView):
    """Readers report a mistake; anonymous by design, so no session (and no CSRF) is involved."""

    authentication_classes: list[Any] = []
    throttle_classes = [SuggestionThrottle]
    throttle_scope = "suggestions"

    @extend_schema(
        request=SuggestionCreateSerializer,
        responses={
            201: SuggestionCreatedSerializer,
            400: INVALID,
            404: NOT_FOUND,
            413: OpenApiResponse(ErrorSerializer, description="Body larger than API_MAX_BODY_BYTES."),
            422: UNANCHORED,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Misspelled name",
                value={
                    "exact": "Jon Smith",
                    "prefix": "The mayor, ",
                    "suffix": ", said the work",
                    "start": 75,
                    "version": 1,
                    "suggestion": "John Smith",
                    "category": "typo",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Write to us (no selection)",
                value={
                    "comment": "The article does not say that the council vote was 7 to 6.",
                    "category": "clarification",
                    "email": "reader@example.org",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        """Suggest a correction to the selected text; the answer holds the reader's secret status link."""
        serializer = SuggestionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("website")
        # A logged-in reader's report is filed under their account (sealed in the vault), so erasing it finds it.
        meta = request_meta(request, kind="reader")
        submitted = suggestion_services.suggestion_submit(slug=slug, meta=meta, **data)
        detail = (
            "Thank you. Others reported the same thing; your report has been added to theirs."
            if submitted.seconded
            else "Thank you. An editor will look at your suggestion."
        )
        return Response(
            {
                "id": submitted.suggestion_id,
                "token": submitted.token,
                "status": submitted.status,
                "status_url": request.build_absolute_uri(
                    reverse("corrections:suggestion-status", kwargs={"token": submitted.token})
                ),
                "detail": detail,
            },
            status=status.HTTP_201_CREATED,
        )


class SuggestionStatusDetail(APIView):
    """A reader follows their own report with the secret token from the submission; there is no listing."""

    authentication_classes: list[Any] = []

    @extend_schema(
        responses={200: SuggestionStatusSerializer, 404: OpenApiResponse(ErrorSerializer, description="Unknown token.")}
    )
    def get(self, request: Request, token: str) -> Response:
        """The status of the reader's suggestion and the editor's public reply."""
        return Response(SuggestionStatusSerializer(selectors.suggestion_status(token)).data)
