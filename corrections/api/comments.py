"""Comment endpoints: the public thread, posting and flagging; the editors' moderation."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..domain import comments as domain
from ..domain.text import is_blank
from ..models import Comment
from ..selectors import comments as selectors
from ..services import comments as comment_services
from ..services.meta import request_meta
from ..throttles import CommentFlagThrottle, CommentThrottle, person_key
from .common import validated
from .permissions import IsEditor
from .serializers import ErrorSerializer, HoneypotSerializer

# --- Serializers -------------------------------------------------------------------


class ReplySerializer(serializers.ModelSerializer):
    parent = serializers.UUIDField(source="parent_id", help_text="The comment this reply answers.")  # type: ignore[assignment]  # shadows a DRF attribute
    in_reply_to = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="The name of the reply this one answers; null when it answers the top-level comment.",
    )

    class Meta:
        model = Comment
        fields = ["id", "parent", "in_reply_to", "author_name", "body", "posted_at"]


class ThreadSerializer(serializers.ModelSerializer):
    replies = ReplySerializer(source="thread_list", many=True, read_only=True, help_text="Oldest first.")

    class Meta:
        model = Comment
        fields = ["id", "author_name", "body", "posted_at", "replies"]


class CommentCreateSerializer(HoneypotSerializer):
    body = serializers.CharField(max_length=domain.BODY_MAX, help_text="Plain text; shown escaped, never as markup.")
    name = serializers.CharField(
        max_length=domain.NAME_MAX,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required without a login; shown with the comment.",
    )
    email = serializers.EmailField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Optional, never shown: used only to tell you about replies.",
    )
    parent = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="Reply to this comment.")  # type: ignore[assignment]  # shadows a DRF attribute

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if not user.is_authenticated and is_blank(attrs["name"]):
            raise serializers.ValidationError({"name": "Give your name to comment without logging in."})
        return attrs


class CommentPostedSerializer(serializers.ModelSerializer):
    parent = serializers.UUIDField(source="parent_id", allow_null=True)  # type: ignore[assignment]  # shadows a DRF attribute
    detail = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "parent", "author_name", "body", "status", "posted_at", "version", "detail"]

    def get_detail(self, comment: Comment) -> str:
        if comment.status == domain.PENDING:
            return "Thank you. Your comment will appear once an editor approves it."
        return "Thank you. Your comment is posted."


class FlagSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=domain.REASON_MAX,
        required=False,
        default="",
        allow_blank=True,
        help_text="What is wrong with the comment (seen by editors only).",
    )


class FlaggedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    detail = serializers.CharField()


class ReviewCommentSerializer(serializers.ModelSerializer):
    article: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    flag_reasons = serializers.SerializerMethodField(help_text="What readers said since the last approval.")
    parent = serializers.UUIDField(source="parent_id", allow_null=True)  # type: ignore[assignment]  # shadows a DRF attribute
    thread = serializers.UUIDField(source="thread_id", allow_null=True, help_text="The top-level comment, if a reply.")
    author_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "article",
            "parent",
            "thread",
            "author_name",
            "author_user",
            "body",
            "status",
            "flag_count",
            "flag_reasons",
            "hidden_reason",
            "posted_at",
            "version",
        ]

    def get_flag_reasons(self, comment: Comment) -> list[str]:
        reasons = self.context.get("flag_reasons")
        if reasons is None:  # a single comment: look it up
            reasons = selectors.comment_flag_reasons([comment])
        return reasons.get(str(comment.id), [])


class HideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=domain.REASON_MAX, help_text="Why it is hidden (kept in the log).")


class ModerationSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[*domain.MODES, domain.SITE_DEFAULT],
        help_text="post: shown at once; pre: shown once approved; default: follow the site's COMMENT_MODERATION.",
    )


class ModerationStateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=[*domain.MODES, domain.SITE_DEFAULT], help_text="The article's own setting.")
    effective_mode = serializers.ChoiceField(choices=domain.MODES, help_text="The mode that applies.")
    version = serializers.IntegerField()


# --- Views -------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such article or comment.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid fields (with `fields`), or the honeypot was filled.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many posts; retry after the Retry-After header.")
REFUSED = OpenApiResponse(ErrorSerializer, description="Refused as the comment stands (see `detail`).")
NOT_EDITOR = OpenApiResponse(ErrorSerializer, description="Not an editor.")


class ArticleComments(generics.ListAPIView):
    """The article's visible comments, threaded (public); or post a comment (anyone, throttled)."""

    serializer_class = ThreadSerializer

    def get_throttles(self) -> list[Any]:
        return [CommentThrottle()] if self.request.method == "POST" else []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no slug
            return Comment.objects.none()
        return selectors.comment_roots(selectors.comment_article(self.kwargs["slug"]))

    def paginate_queryset(self, queryset: Any) -> Any:
        # One query for the replies of the whole page, however many threads it holds.
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.comment_threads(page)

    @extend_schema(responses={200: ThreadSerializer(many=True), 404: NOT_FOUND})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Top-level comments, oldest first, each with its replies; visible comments only."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={
            201: CommentPostedSerializer,
            400: INVALID,
            404: NOT_FOUND,
            413: OpenApiResponse(ErrorSerializer, description="Body larger than API_MAX_BODY_BYTES."),
            422: OpenApiResponse(ErrorSerializer, description="Comments are closed, or the parent is not visible."),
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Comment", value={"body": "Good news for cyclists.", "name": "Ann", "email": ""}, request_only=True
            )
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        """Post a comment or a reply: anonymously with a name, or logged in."""
        data = validated(CommentCreateSerializer, request)
        recorded = comment_services.comment_post(
            slug=slug,
            body=data["body"],
            author_name=data["name"],
            email=data["email"],
            parent_id=str(data["parent"]) if data["parent"] else None,
            user=request.user,
            meta=request_meta(request, kind=comment_services.commenter_kind(request.user)),
        )
        comment = selectors.comment_get(recorded.event_as(domain.CommentPosted).comment_id)
        return Response(CommentPostedSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentFlag(APIView):
    throttle_classes = [CommentFlagThrottle]

    @extend_schema(
        request=FlagSerializer,
        responses={
            201: FlaggedSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="You have flagged this comment already."),
            429: THROTTLED,
        },
    )
    def post(self, request: Request, comment_id: str) -> Response:
        """Flag a visible comment for the editors to look at."""
        data = validated(FlagSerializer, request)
        recorded = comment_services.comment_flag(
            comment_id=comment_id,
            reason=data["reason"],
            flagger=person_key(request),
            meta=request_meta(request, kind=comment_services.commenter_kind(request.user)),
        )
        detail = "Thank you; an editor will look at this comment."
        return Response({"version": recorded.version, "detail": detail}, status=status.HTTP_201_CREATED)


class CommentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Comment.STATUSES, help_text="visible, pending or hidden")
    article = django_filters.CharFilter(field_name="article__slug", help_text="The article's slug.")
    flagged = django_filters.BooleanFilter(method="filter_flagged", help_text="Flagged and not yet reviewed.")

    class Meta:
        model = Comment
        fields = ["status", "article", "flagged"]

    def filter_flagged(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.filter(flag_count__gt=0) if value else queryset.filter(flag_count=0)


class ReviewCommentList(generics.ListAPIView):
    """Every comment, newest first, for the editors; filter by status, article and flagged."""

    permission_classes = [IsEditor]
    serializer_class = ReviewCommentSerializer
    filterset_class = CommentFilter

    def get_queryset(self) -> Any:
        return selectors.comment_review_list()

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        self.flag_reasons = selectors.comment_flag_reasons(page if page is not None else list(queryset))
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "flag_reasons": getattr(self, "flag_reasons", None)}

    @extend_schema(responses={200: ReviewCommentSerializer(many=True), 400: INVALID, 403: NOT_EDITOR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every comment, newest first; filter with ?status=, ?article=<slug> and ?flagged=true."""
        return super().get(request, *args, **kwargs)


class ReviewCommentApprove(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=None, responses={200: ReviewCommentSerializer, 403: NOT_EDITOR, 404: NOT_FOUND, 422: REFUSED}
    )
    def post(self, request: Request, comment_id: str) -> Response:
        """Show a pending comment, or keep a flagged one (its flags count as reviewed)."""
        comment_services.comment_approve(comment_id=comment_id, meta=request_meta(request))
        return Response(ReviewCommentSerializer(selectors.comment_get(comment_id)).data)


class ReviewCommentHide(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=HideSerializer,
        responses={200: ReviewCommentSerializer, 400: INVALID, 403: NOT_EDITOR, 404: NOT_FOUND, 422: REFUSED},
    )
    def post(self, request: Request, comment_id: str) -> Response:
        """Hide a comment for good, with a reason; the original stays in the log but is never shown again."""
        data = validated(HideSerializer, request)
        comment_services.comment_hide(
            comment_id=comment_id,
            reason=data["reason"],
            meta=request_meta(request),
        )
        return Response(ReviewCommentSerializer(selectors.comment_get(comment_id)).data)


class ArticleModeration(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: ModerationStateSerializer, 403: NOT_EDITOR, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        """The article's moderation setting and the mode that applies."""
        return Response(_moderation_state(slug))

    @extend_schema(
        request=ModerationSerializer,
        responses={200: ModerationStateSerializer, 400: INVALID, 403: NOT_EDITOR, 404: NOT_FOUND, 422: REFUSED},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Choose pre- or post-moderation of comments on this article, or go back to the site default."""
        data = validated(ModerationSerializer, request)
        comment_services.article_set_moderation(slug=slug, mode=data["mode"], meta=request_meta(request))
        return Response(_moderation_state(slug))


def _moderation_state(slug: str) -> dict[str, Any]:
    article = selectors.comment_article(slug)
    return {
        "mode": article.comment_moderation or domain.SITE_DEFAULT,
        "effective_mode": selectors.moderation_mode(article),
        "version": article.version,
    }
