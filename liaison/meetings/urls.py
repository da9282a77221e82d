from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("mine/", views.mine, name="mine"),
    path("mine/reset-calendar-address/", views.reset_feed, name="reset-feed"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("series/", views.series_list, name="series-list"),
    path("series/new/", views.series_new, name="series-new"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series-edit"),
    path("series/<int:pk>.ics", views.series_ics, name="series-ics"),
    path("emergency/new/", views.emergency_new, name="emergency-new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
