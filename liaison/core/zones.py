"""Time zones as people say them: "北京时间" / "China Standard Time", not "Asia/Shanghai"."""

from django.utils.translation import gettext_lazy as _

# The zones hospitals here work in; any other is shown by its ID, which is still exact.
ZONE_NAMES = {
    "Asia/Shanghai": _("China Standard Time"),
    "Asia/Hong_Kong": _("Hong Kong Time"),
    "Asia/Macau": _("Macau Time"),
    "Asia/Taipei": _("Taipei Time"),
    "UTC": _("Coordinated Universal Time (UTC)"),
}


def zone_name(zone_id: str) -> str:
    """The zone's name in the reader's language, or its ID when it has none here."""
    name = ZONE_NAMES.get(str(zone_id))
    return str(name) if name is not None else str(zone_id)
