from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/api-tokens/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("chart/", views.chart, name="chart"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("departments/<int:pk>/contacts/", views.department_contacts, name="department-contacts"),
    path("people/", views.people, name="people"),
    path("people/search/", views.people_search, name="people-search"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("search/", views.search, name="search"),
]
