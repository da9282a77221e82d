"""API tokens: issued at each login, expiring, revoked by their holder or by a new password.

django-rest-knox rather than DRF's own Token: DRF keeps one token per user, unexpiring and
stored as plain text; knox stores only a hash, gives each login (each script, each device)
its own token with an expiry, and lets one be revoked without the others. Tokens record no
"last used" time on purpose: writing it at every request would put a time on the person's
row each time they, say, write an anonymous suggestion through the API.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import get_token_model

AuthToken = get_token_model()


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown to the holder this once; only its hash is kept
    expiry: datetime | None
    stored: AuthToken


def issue(user) -> IssuedToken:
    token, key = AuthToken.objects.create(user=user)
    return IssuedToken(key=key, expiry=token.expiry, stored=token)


def active(user):
    """The person's tokens that still open the API, newest first."""
    return AuthToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created")


def revoke(token) -> None:
    token.delete()


def revoke_by_digest(user, digest: str) -> bool:
    """Revoke one of `user`'s own tokens; False if they hold none by that name."""
    deleted, _rows = AuthToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


def revoke_all(user) -> int:
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


# A new password revokes every token, whichever way it was set (the password page, the
# admin's form, `changepassword`, a script): all of them save the user with a new hash.


@receiver(pre_save, sender=get_user_model(), dispatch_uid="liaison.tokens.password")
def _note_new_password(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._password_replaced = False
    if raw or instance.pk is None or (update_fields and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is None or stored == instance.password:
        return
    # The same password hashed anew (Django upgrading a hash at login) is no new password.
    raw_password = getattr(instance, "_password", None)
    if raw_password is not None and check_password(raw_password, stored):
        return
    instance._password_replaced = True


@receiver(post_save, sender=get_user_model(), dispatch_uid="liaison.tokens.revoke")
def _revoke_on_new_password(sender, instance, created=False, **kwargs):
    if getattr(instance, "_password_replaced", False):
        instance._password_replaced = False
        revoke_all(instance)
