from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("compute/", views.compute, name="compute"),
    path("scorecard.xlsx", views.export, name="export"),
    path("departments/<str:code>/", views.department, name="department"),
    path("departments/<str:code>/<str:indicator_code>/", views.records, name="records"),
]
