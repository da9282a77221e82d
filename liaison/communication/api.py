"""Communication plans API: the same service functions and visibility as the pages.

- GET/POST /api/v1/communication-plans/ (a project with its stakeholders and plan rows;
  POST may carry both, rows naming their stakeholders by position in the request)
- GET /api/v1/communication-plans/{id}/
- GET /api/v1/communication-plans/{id}/distributions/?state=due|overdue|sent|skipped
- GET /api/v1/distributions/ (mine to send now)
- POST /api/v1/distributions/{id}/sent/ (JSON or multipart with a `file`) and .../skip/

Errors as in the matters API: 404 for what is not of the person's organization, then 400
for a malformed body, then the service's refusal as `{"detail": …}` (409 wrong state, 403
not allowed, 400 invalid input).
"""

from django.db import transaction
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.core.errors import InvalidInput

from . import selectors, services
from .models import Distribution, DistributionState, Project, Stakeholder
from .serializers import (
    DistributionSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    SentSerializer,
    SkipSerializer,
)

TAGS = ["communication"]


def _projects():
    return Project.objects.select_related("owner_department", "manager__user").prefetch_related(
        "stakeholders__person__user",
        "stakeholders__department",
        "rows__owner__user",
        "rows__stakeholders",
    )


def _distributions():
    return Distribution.objects.select_related(
        "row", "owner__user", "sent_by__user", "skipped_by__user"
    ).prefetch_related("sent_to")


def _page(request, view, queryset, serializer_class) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class ProjectListView(PersonAPIMixin, APIView):
    parser_classes = [JSONParser]
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # the schema shows the pages

    @extend_schema(
        summary="The projects of my organization, with their registers and plans",
        responses={200: ProjectSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        projects = _projects().filter(organization_id=self.person.organization_id)
        return _page(request, self, projects.order_by("name", "pk"), ProjectSerializer)

    @extend_schema(
        summary="Start a project, with its stakeholders and plan rows",
        request=ProjectInputSerializer,
        responses=refusals({201: ProjectSerializer}),
        tags=TAGS,
    )
    def post(self, request):
        data = self.valid(ProjectInputSerializer, request.data)
        with transaction.atomic():
            project = services.create_project(
                self.person,
                services.ProjectInput(
                    name=data["name"],
                    owner_department=data["owner_department"],
                    manager=data["manager"],
                    description=data["description"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                ),
            )
            stakeholders: list[Stakeholder] = [
                services.add_stakeholder(project, self.person, services.StakeholderInput(**s))
                for s in data["stakeholders"]
            ]
            for row in data["rows"]:
                to = row.pop("to")
                due_time = row.pop("due_time")
                services.add_row(
                    project,
                    self.person,
                    services.RowInput(
                        **row,
                        stakeholders=[stakeholders[index] for index in to],
                        **({"due_time": due_time} if due_time else {}),
                    ),
                )
        return Response(
            ProjectSerializer(_projects().get(pk=project.pk)).data, status=status.HTTP_201_CREATED
        )


class ProjectDetailView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="A project with its register and plan",
        responses={200: ProjectSerializer, 404: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request, pk):
        project = selectors.project_for(self.person, pk)
        return Response(ProjectSerializer(_projects().get(pk=project.pk)).data)


STATE_PARAMETER = OpenApiParameter(
    "state", str, description="`due`, `overdue`, `sent` or `skipped`; all when left out"
)


class ProjectDistributionsView(PersonAPIMixin, APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # the schema shows the pages

    @extend_schema(
        summary="A project's distributions, the latest due first",
        parameters=[STATE_PARAMETER],
        responses={200: DistributionSerializer(many=True), 404: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request, pk):
        project = selectors.project_for(self.person, pk)
        distributions = selectors.distributions_of(project, request.query_params.get("state", ""))
        chosen = _distributions().filter(pk__in=distributions.values("pk"))
        return _page(request, self, chosen.order_by("-due_at", "-pk"), DistributionSerializer)


class MyDistributionsView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="What I must send now, the oldest due first",
        responses={200: DistributionSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        mine = _distributions().filter(owner=self.person, state=DistributionState.DUE)
        return Response(DistributionSerializer(mine.order_by("due_at", "pk"), many=True).data)


class SentView(PersonAPIMixin, APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary="Mark a distribution sent: to whom, a note, a link or a file",
        request=SentSerializer,
        responses=refusals({200: DistributionSerializer}),
        tags=TAGS,
    )
    def post(self, request, pk):
        distribution = selectors.distribution_for(self.person, pk)
        data = self.valid(SentSerializer, request.data)
        ids = data["sent_to"]
        sent_to = None
        if ids:
            found = {s.pk: s for s in distribution.row.project.stakeholders.filter(pk__in=ids)}
            unknown = [i for i in ids if i not in found]
            if unknown:
                raise InvalidInput(_("Unknown stakeholder: %(id)s") % {"id": unknown[0]})
            sent_to = [found[i] for i in ids]
        distribution = services.mark_sent(
            distribution,
            self.person,
            note=data["note"],
            sent_to=sent_to,
            link=data["link"],
            upload=data["file"],
        )
        return Response(DistributionSerializer(_distributions().get(pk=distribution.pk)).data)


class SkipView(PersonAPIMixin, APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Skip a distribution this time, with a reason",
        request=SkipSerializer,
        responses=refusals({200: DistributionSerializer}),
        tags=TAGS,
    )
    def post(self, request, pk):
        distribution = selectors.distribution_for(self.person, pk)
        data = self.valid(SkipSerializer, request.data)
        distribution = services.skip(distribution, self.person, reason=data["reason"])
        return Response(DistributionSerializer(_distributions().get(pk=distribution.pk)).data)


urlpatterns = [
    path("communication-plans/", ProjectListView.as_view(), name="api-communication-plans"),
    path(
        "communication-plans/<int:pk>/",
        ProjectDetailView.as_view(),
        name="api-communication-plan",
    ),
    path(
        "communication-plans/<int:pk>/distributions/",
        ProjectDistributionsView.as_view(),
        name="api-communication-plan-distributions",
    ),
    path("distributions/", MyDistributionsView.as_view(), name="api-my-distributions"),
    path("distributions/<int:pk>/sent/", SentView.as_view(), name="api-distribution-sent"),
    path("distributions/<int:pk>/skip/", SkipView.as_view(), name="api-distribution-skip"),
]
