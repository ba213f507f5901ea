from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fact-check desk"
admin.site.site_title = "Fact-check desk"
admin.site.index_title = "The desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("annotations.urls")),
]
