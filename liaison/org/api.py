"""Organization API: read-only views other tools use to learn the structure."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import Department, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    coordinating_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supervision_department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organization
        fields = ["name", "coordinating_department", "supervision_department"]


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    head = serializers.CharField(allow_null=True, help_text="username")
    liaison = serializers.CharField(allow_null=True, help_text="username")
    leader_in_charge = serializers.CharField(allow_null=True, help_text="username")


class OrganizationView(APIView):
    @extend_schema(responses=OrganizationSerializer)
    def get(self, request):
        return Response(OrganizationSerializer(selectors.organization_for(request)).data)


class DepartmentListView(generics.ListAPIView):
    serializer_class = DepartmentSerializer
    pagination_class = None
    queryset = Department.objects.none()

    def list(self, request, *args, **kwargs):
        rows = []

        def walk(nodes, parent_code):
            for node in nodes:
                rows.append(
                    {
                        "code": node.department.code,
                        "name": node.department.name,
                        "kind": node.department.kind,
                        "parent": parent_code,
                        "head": node.head.user.username if node.head else None,
                        "liaison": node.liaison.user.username if node.liaison else None,
                        "leader_in_charge": node.leader.user.username if node.leader else None,
                    }
                )
                walk(node.children, node.department.code)

        walk(selectors.org_chart(selectors.organization_for(request)), None)
        return Response(DepartmentSerializer(rows, many=True).data)
