from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("matters/<int:pk>/<slug:action>/", views.act, name="act"),
]
