from django.urls import path

from . import views

app_name = "communication"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/distributions/", views.project_distributions, name="distributions"),
    path("<int:pk>/stakeholders/new/", views.stakeholder_new, name="stakeholder-new"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder-edit"),
    path("stakeholders/<int:pk>/remove/", views.stakeholder_remove, name="stakeholder-remove"),
    path("<int:pk>/rows/new/", views.row_new, name="row-new"),
    path("rows/<int:pk>/edit/", views.row_edit, name="row-edit"),
    path("rows/<int:pk>/remove/", views.row_remove, name="row-remove"),
    path("distributions/<int:pk>/", views.distribution, name="distribution"),
    path("distributions/<int:pk>/sent/", views.mark_sent, name="sent"),
    path("distributions/<int:pk>/skip/", views.skip, name="skip"),
    path("distributions/<int:pk>/file/", views.attachment, name="attachment"),
]
