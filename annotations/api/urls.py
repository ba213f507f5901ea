"""The API's routes: the workspace's own resources, and the read-only export.

``claims/export.jsonl`` cannot clash with ``claims/<int:pk>/``: the int converter
matches digits only.
"""

from django.urls import path

from annotations.api import export, workspace

app_name = "api"

urlpatterns = [
    # The workspace: claims as their author and the editors see them, drafts included.
    path(
        "workspace/articles/<int:pk>/claims/",
        workspace.ArticleClaimsView.as_view(),
        name="article-claims",
    ),
    path(
        "workspace/claims/<int:pk>/", workspace.WorkspaceClaimView.as_view(), name="workspace-claim"
    ),
    path(
        "workspace/claims/<int:pk>/transitions/",
        workspace.ClaimTransitionView.as_view(),
        name="claim-transitions",
    ),
    path(
        "workspace/claims/similar/",
        workspace.SimilarClaimsView.as_view(),
        name="similar-claims",
    ),
    path(
        "workspace/claims/<int:pk>/appearances/",
        workspace.ClaimAppearancesView.as_view(),
        name="claim-appearances",
    ),
    path(
        "workspace/appearances/<int:pk>/",
        workspace.AppearanceDetailView.as_view(),
        name="appearance-detail",
    ),
    path(
        "workspace/appearances/<int:pk>/confirm/",
        workspace.AppearanceConfirmView.as_view(),
        name="appearance-confirm",
    ),
    path("workspace/claimants/", workspace.ClaimantsView.as_view(), name="claimants"),
    path(
        "workspace/claims/<int:pk>/anchor/",
        workspace.ClaimAnchorView.as_view(),
        name="claim-anchor",
    ),
    # The export: approved claims only, whoever asks.
    path("claims/", export.ClaimListView.as_view(), name="claim-list"),
    path("claims/export.jsonl", export.ClaimStreamView.as_view(), name="claim-export-jsonl"),
    path("claims/<int:pk>/", export.ClaimDetailView.as_view(), name="claim-detail"),
    path("articles/", export.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", export.ArticleDetailView.as_view(), name="article-detail"),
]
