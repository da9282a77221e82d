"""The meeting rooms of an organization."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from liaison.core.api import PersonAPIMixin

from ..models import Room
from ..serializers import RoomSerializer


class RoomListView(PersonAPIMixin, generics.ListAPIView):
    serializer_class = RoomSerializer
    pagination_class = None

    def get_queryset(self):
        return Room.objects.filter(organization=self.person.organization, is_active=True)

    @extend_schema(summary="The meeting rooms of my organization", tags=["meetings"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
