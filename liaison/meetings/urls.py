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
    path("<int:pk>/agenda/", views.propose_item, name="propose-item"),
    path("<int:pk>/agenda/cutoff/", views.set_cutoff, name="set-cutoff"),
    path("items/<int:pk>/", views.arrange_item, name="arrange-item"),
    path("items/<int:pk>/decide/", views.decide_item, name="decide-item"),
    path("items/<int:pk>/move/", views.move_item, name="move-item"),
    path("<int:pk>/attendance/", views.record_attendance, name="attendance"),
    path("<int:pk>/minutes/", views.save_minutes, name="minutes"),
    path("<int:pk>/minutes/row/", views.decision_row, name="decision-row"),
    path("<int:pk>/minutes/approve/", views.approve_minutes, name="approve-minutes"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes-docx"),
    path("<int:pk>/minutes/print/", views.minutes_print, name="minutes-print"),
]
