from django.urls import path

from . import views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.new, name="new"),
    path("sent/", views.sent, name="sent"),
    path("mine/", views.mine, name="mine"),
    path("code/", views.by_code, name="by-code"),
    path("published/", views.published, name="published"),
    path("public/<slug:organization_code>/", views.public_new, name="public-new"),
    path(
        "public/<slug:organization_code>/published/",
        views.public_published,
        name="public-published",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
