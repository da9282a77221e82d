"""The API's doors: a token for a username and password, and giving one back.

- POST /api/v1/auth/token/ (form or JSON `username`, `password`) answers 200
  `{"token", "expiry"}`: a new token at each call, sent as `Authorization: Token <key>`.
  Wrong credentials answer 400; a client locked out by repeated failures 429 (see
  liaison.core.auth), as do too many attempts from one address.
- POST /api/v1/auth/logout/ revokes the token that signs the request: 204.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tokens
from .api import ErrorSerializer
from .auth import TokenLoginThrottle


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("Username"))
    password = serializers.CharField(
        label=gettext_lazy("Password"), style={"input_type": "password"}, trim_whitespace=False
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=gettext_lazy("Send as the header `Authorization: Token <key>`.")
    )
    expiry = serializers.DateTimeField(allow_null=True)


class TokenLoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenLoginThrottle]

    @extend_schema(
        summary="Get an API token",
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong username or password."),
            429: OpenApiResponse(
                ErrorSerializer, description="Locked out after failed logins, or throttled."
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        if not credentials.is_valid():
            detail = _("Give a username and a password.")
            return Response({"detail": detail, **credentials.errors}, status=400)
        # The Django request, so that the lock-out counts this address and, when it
        # refuses, its middleware answers in place of this view.
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            # DRF's own words, as this endpoint answered before.
            detail = _("Unable to log in with provided credentials.")
            return Response({"detail": detail, "non_field_errors": [detail]}, status=400)
        issued = tokens.issue(user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenSerializer({"token": issued.key, "expiry": issued.expiry}).data)


class TokenLogoutView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke the token that signs this request",
        request=None,
        responses={204: None, 401: OpenApiResponse(ErrorSerializer)},
        tags=["auth"],
    )
    def post(self, request):
        tokens.revoke(request.auth)
        user_logged_out.send(
            sender=request.user.__class__, request=request._request, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
