from django.urls import path

from annotations import published

app_name = "checks"

urlpatterns = [
    path("", published.check_list, name="list"),
    path("<int:pk>/", published.check_redirect, name="uri"),
    path("<int:pk>/<slug:slug>/", published.check_detail, name="detail"),
    path("articles/<int:pk>/", published.article_detail, name="article"),
    path("articles/<int:pk>/text", published.article_text, name="article-text"),
    path("claimants/<int:pk>/<slug:slug>/", published.claimant_detail, name="claimant"),
]
