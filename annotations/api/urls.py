from django.urls import include, path

from annotations.api import views

app_name = "api"

urlpatterns = [
    path("articles/<int:pk>/claims/", views.ArticleClaimsView.as_view(), name="article-claims"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<int:pk>/transitions/",
        views.ClaimTransitionView.as_view(),
        name="claim-transitions",
    ),
    path("", include("annotations.api.export_urls")),
]
