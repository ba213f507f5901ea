from django.urls import path

from annotations import views

app_name = "annotations"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
]
