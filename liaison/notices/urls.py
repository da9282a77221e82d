from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("desk/", views.desk, name="desk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/relay/", views.relay, name="relay"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/pin/", views.pin, name="pin"),
    path("<int:pk>/stats/", views.stats, name="stats"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
