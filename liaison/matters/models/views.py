"""A person's saved views of the to-do: a named set of filters and a sort, one click away."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Person


class SavedView(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query string"), max_length=1000)
    position = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
