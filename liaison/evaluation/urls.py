from django.urls import path

from . import views, views_appeals, views_rounds

app_name = "evaluation"
urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("compute/", views.compute, name="compute"),
    path("scorecard.xlsx", views.export, name="export"),
    path("departments/<str:code>/", views.department, name="department"),
    path("appeal/<str:code>/", views_appeals.file, name="appeal"),
    path("appeals/", views_appeals.queue, name="appeals"),
    path("appeals/<int:pk>/decide/", views_appeals.decide, name="appeal-decide"),
    path("scorecards/<int:pk>/advance/", views_appeals.advance, name="advance"),
    path("departments/<str:code>/<str:indicator_code>/", views.records, name="records"),
    # Peer evaluation (三评).
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/open/", views_rounds.open_round, name="open-round"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("rounds/to-rate/", views_rounds.to_rate, name="to-rate"),
    path("rounds/ballots/<int:pk>/", views_rounds.ballot, name="ballot"),
    path("rate/", views_rounds.by_code, name="rate-by-code"),
]
