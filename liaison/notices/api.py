"""Notices API: the same service functions and visibility as the pages.

- GET/POST /api/v1/notices/ (POST with the audience by department codes, positions, group
  names and usernames; `publish: true` publishes at once), GET /api/v1/notices/{id}/
- POST /api/v1/notices/{id}/publish/, .../relay/ (a liaison officer), .../read/ (records
  the receipt), .../remind/, .../withdraw/
- GET /api/v1/notices/{id}/stats/: per department relayed, read, total and the usernames
  of those who have not read

Errors as in every area's API (liaison.core.api): 404 for what the person may not see,
400 for a malformed body or input the rules refuse, 403 for what the person may not do,
409 for what the notice's state does not allow now (publishing it twice, relaying it
again, withdrawing a withdrawn one); `{"detail": …}`.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from liaison.core.api import PersonAPIMixin, refusals
from liaison.core.errors import NotAllowed
from liaison.org.models import CoordinationGroup, Department, Person
from liaison.org.roles import department_of

from . import policy, selectors, services
from .models import Notice, NoticeState, ReadVia, Receipt
from .serializers import (
    NoticeInputSerializer,
    NoticeSerializer,
    NoticeStatsSerializer,
    ReadSerializer,
    RelayInputSerializer,
    RemindedSerializer,
    RemindInputSerializer,
    WithdrawInputSerializer,
)

RELATED = ("author__user", "author_department", "published_by__user")
PREFETCH = ("audience__department", "audience__group", "audience__person__user")


def _schema(summary: str, request=None, response=NoticeSerializer, code=200):
    return extend_schema(
        summary=summary, request=request, responses=refusals({code: response}), tags=["notices"]
    )


class NoticeViewSet(PersonAPIMixin, viewsets.GenericViewSet):
    # Notices and task deployments of the requesting person's organization.

    queryset = Notice.objects.none()
    serializer_class = NoticeSerializer
    lookup_value_regex = r"[0-9]+"

    def _notice(self, pk) -> Notice:
        try:
            return selectors.notice_for(self.person, pk)
        except Http404 as exc:
            raise NotFound() from exc

    def _answer(self, notice, code=status.HTTP_200_OK) -> Response:
        notice = (
            Notice.objects.select_related(*RELATED).prefetch_related(*PREFETCH).get(pk=notice.pk)
        )
        receipt = Receipt.objects.filter(notice=notice, person=self.person).first()
        receipts = {notice.pk: receipt.read_at} if receipt else {}
        data = NoticeSerializer(notice, context={"request": self.request, "receipts": receipts})
        return Response(data.data, status=code)

    @_schema(
        "Notices I can see (for me, issued by my departments, my drafts)",
        response=NoticeSerializer(many=True),
    )
    def list(self, request):
        mine = Receipt.objects.filter(person=self.person, delivered_at__isnull=False)
        issued = selectors.issued(self.person).values("pk")
        notices = (
            Notice.objects.filter(organization=self.person.organization)
            .filter(
                Q(pk__in=issued) | Q(pk__in=mine.values("notice_id"), state=NoticeState.PUBLISHED)
            )
            .select_related(*RELATED)
            .prefetch_related(*PREFETCH)
            .order_by("-pinned", "-published_at", "-pk")
        )
        page = self.paginate_queryset(notices)
        receipts = dict(
            mine.filter(notice_id__in=[n.pk for n in page]).values_list("notice_id", "read_at")
        )
        data = NoticeSerializer(page, many=True, context={"request": request, "receipts": receipts})
        return self.get_paginated_response(data.data)

    @_schema("One notice (opening it does not record reading: POST read/)")
    def retrieve(self, request, pk=None):
        return self._answer(self._notice(pk))

    def _department(self, code) -> Department:
        department = Department.objects.filter(
            organization=self.person.organization, code=code
        ).first()
        if department is None:
            raise ValidationError(
                {"department": [_("Unknown department: %(code)s") % {"code": code}]}
            )
        return department

    @_schema(
        "Write a notice (a draft, or published at once with publish: true)",
        request=NoticeInputSerializer,
        code=201,
    )
    def create(self, request):
        serializer = NoticeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = self.person.organization
        codes = data["departments"]
        departments = list(Department.objects.filter(organization=organization, code__in=codes))
        unknown = sorted(set(codes) - {d.code for d in departments})
        if unknown:
            raise ValidationError(
                {"departments": [_("Unknown department: %(code)s") % {"code": c} for c in unknown]}
            )
        groups = list(
            CoordinationGroup.objects.filter(organization=organization, name__in=data["groups"])
        )
        if len(groups) != len(set(data["groups"])):
            raise ValidationError({"groups": [_("Unknown coordination group.")]})
        users = get_user_model().objects.filter(username__in=data["usernames"])
        people = list(Person.objects.filter(organization=organization, user__in=users))
        if len(people) != len(set(data["usernames"])):
            raise ValidationError({"usernames": [_("Unknown username.")]})
        if data.get("author_department"):
            author_department = self._department(data["author_department"])
        else:
            author_department = department_of(self.person)
            if author_department is None:
                raise ValidationError({"author_department": [_("Give the issuing department.")]})
        notice = services.create_notice(
            self.person,
            services.NoticeInput(
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                author_department=author_department,
                to_everyone=data["to_everyone"],
                departments=tuple(departments),
                with_subtree=data["with_subtree"],
                roles=tuple(data["positions"]),
                groups=tuple(groups),
                people=tuple(people),
                require_read=data["require_read"],
                require_action=data["require_action"],
                action_due=data["action_due"],
                expires_at=data["expires_at"],
                pinned=data["pinned"],
            ),
            publish=data["publish"],
        )
        return self._answer(notice, status.HTTP_201_CREATED)

    @_schema("Publish a draft to its audience")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._answer(services.publish_notice(self._notice(pk), self.person))

    @_schema(
        "Relay the notice into my department (liaison officer or head)",
        request=RelayInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def relay(self, request, pk=None):
        notice = self._notice(pk)
        serializer = RelayInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data.get("department")
        department = self._department(code) if code else None
        services.relay_notice(
            notice, self.person, department=department, note=serializer.validated_data["note"]
        )
        return self._answer(notice)

    @_schema(
        "Record that I have read it (the first time only)", request=None, response=ReadSerializer
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self._notice(pk)
        first = services.mark_read(notice, self.person, via=ReadVia.API)
        receipt = selectors.receipt_of(self.person, notice)
        return Response({"read_at": receipt.read_at if receipt else None, "first": first})

    @_schema(
        "Remind those who have not read it (and liaison officers who have not relayed)",
        request=RemindInputSerializer,
        response=RemindedSerializer,
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        notice = self._notice(pk)
        serializer = RemindInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data.get("department")
        result = services.remind(
            notice, self.person, department=self._department(code) if code else None
        )
        return Response(RemindedSerializer(result).data)

    @_schema("Withdraw a published notice", request=WithdrawInputSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        notice = self._notice(pk)
        serializer = WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            services.withdraw(notice, self.person, reason=serializer.validated_data["reason"])
        )

    @_schema(
        "Per department: relayed, read of total, who has not read", response=NoticeStatsSerializer
    )
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        notice = self._notice(pk)
        if not policy.may_see_stats(self.person, notice):
            raise NotAllowed(_("You may not see who has read this notice."))
        stats = services.statistics(
            notice, departments=policy.stats_departments(self.person, notice)
        )
        rows = [
            {
                "department": row.department.code if row.department else None,
                "department_name": row.department.name if row.department else None,
                "relayed": row.relayed,
                "relayed_at": row.relay.relayed_at if row.relay else None,
                "relayed_by": (
                    row.relay.relayed_by.user.username
                    if row.relay and row.relay.relayed_by
                    else None
                ),
                "total": row.total,
                "delivered": row.delivered,
                "read": row.read,
                "unread": [username for username, _name in row.unread],
                "matter": row.matter.number if row.matter else None,
                "matter_state": row.matter.state if row.matter else None,
            }
            for row in stats.rows
        ]
        return Response(
            NoticeStatsSerializer(
                {
                    "total": stats.total,
                    "delivered": stats.delivered,
                    "read": stats.read,
                    "departments": rows,
                }
            ).data
        )


router = SimpleRouter()
router.register("notices", NoticeViewSet, basename="api-notice")
urlpatterns = router.urls
