"""Serializers: validate requests and shape responses. No business logic here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from ..domain.events import CORRECTION_KINDS
from ..models import Article, Event, PublicNote
from ..selectors import public_data, public_meta

TITLE_MAX = 300
BODY_MAX = 100_000
NOTE_MAX = 2_000


class HoneypotSerializer(serializers.Serializer):
    """Adds ``website``: hidden from people, filled in by spam robots, refused when it has a value."""

    website = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        help_text="Leave empty: a field for spam robots to fill in.",
    )

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError("Leave this field empty: it is there to catch spam robots.")
        return value


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A stable machine-readable code, e.g. stale_version.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(required=False)


class ArticleCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=200)
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, trim_whitespace=False)
    byline = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ArticleCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    version = serializers.IntegerField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class PublicNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicNote
        fields = ["version", "kind", "note", "issued_at"]


class ArticleSerializer(serializers.ModelSerializer):
    corrections = PublicNoteSerializer(source="notes", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "byline",
            "body",
            "status",
            "version",
            "text_version",
            "published_at",
            "updated_at",
            "url",
            "corrections",
        ]

    def get_url(self, article: Article) -> str:
        return reverse("corrections:article", args=[article.slug])


class RevisionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    body = serializers.CharField(max_length=BODY_MAX, required=False, trim_whitespace=False)
    note = serializers.CharField(
        max_length=NOTE_MAX,
        required=False,
        default="",
        allow_blank=True,
        help_text="Public note. A revision without one is an unannounced edit, and history says so.",
    )
    expected_version = serializers.IntegerField(min_value=0, help_text="The version you last saw.")


class ChangeSerializer(serializers.Serializer):
    exact = serializers.CharField(max_length=5_000, trim_whitespace=False, help_text="The text to replace.")
    prefix = serializers.CharField(max_length=500, required=False, default="", allow_blank=True, trim_whitespace=False)
    suffix = serializers.CharField(max_length=500, required=False, default="", allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    replacement = serializers.CharField(max_length=5_000, allow_blank=True, trim_whitespace=False)


class CorrectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CORRECTION_KINDS)
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, required=False, default="")
    changes = ChangeSerializer(many=True, required=False, default=list)
    expected_version = serializers.IntegerField(min_value=0)

    def validate_changes(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > 50:
            raise serializers.ValidationError("At most 50 changes in one correction.")
        return value


class RetractionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX)
    expected_version = serializers.IntegerField(min_value=0)


class EventSerializer(serializers.ModelSerializer):
    data = serializers.SerializerMethodField()  # type: ignore[assignment]  # shadows a DRF attribute
    meta = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["position", "version", "type", "schema", "data", "meta", "recorded_at", "hash"]

    def get_data(self, event: Event) -> dict[str, Any]:
        return public_data(event)

    def get_meta(self, event: Event) -> dict[str, Any]:
        return public_meta(event.meta)


class StateNoteSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    kind = serializers.CharField()
    note = serializers.CharField()
    issued_at = serializers.DateTimeField()


class ArticleVersionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.IntegerField()
    text_version = serializers.IntegerField(help_text="The last version at or before this one that changed the text.")
    title = serializers.CharField()
    byline = serializers.CharField()
    body = serializers.CharField()
    status = serializers.CharField()
    corrections = StateNoteSerializer(source="notes", many=True)


class DiffOpSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class DiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    title_before = serializers.CharField()
    title_after = serializers.CharField()
    ops = DiffOpSerializer(many=True, help_text="Word-level runs of equal, deleted and inserted text.")
    unified = serializers.CharField(help_text="A line-based unified diff of the body.")
    coarse = serializers.BooleanField(
        help_text="True when the text changed so much that some changes are shown by whole paragraphs."
    )


class DiffQuerySerializer(serializers.Serializer):
    from_ = serializers.IntegerField(min_value=1)
    to = serializers.IntegerField(min_value=1)

    def to_internal_value(self, data: Any) -> Any:
        data = {"from_": data.get("from"), "to": data.get("to")}
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict) and "from_" in detail:
                detail["from"] = detail.pop("from_")
            raise serializers.ValidationError(detail) from error
