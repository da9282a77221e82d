from django.urls import path

from . import views

app_name = "matters"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("new/", views.new, name="new"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("selected/", views.batch, name="batch"),
    path("selected/ledger.xlsx", views.batch_ledger, name="batch-ledger"),
    path("views/", views.save_view, name="save-view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete-view"),
    path("department-people/", views.department_people, name="department-people"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
]
