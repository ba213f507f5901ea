"""Routes of the export API (approved claims for downstream tools).

``claims/export.jsonl`` cannot clash with ``claims/<int:pk>/``: the int converter
matches digits only.
"""

from django.urls import path

from annotations.api import export

urlpatterns = [
    path("claims/", export.ClaimListView.as_view(), name="claim-list"),
    path("claims/export.jsonl", export.ClaimStreamView.as_view(), name="claim-export-jsonl"),
    path("articles/", export.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", export.ArticleDetailView.as_view(), name="article-detail"),
]
