from django import template

from liaison.core.zones import zone_name as zone_name_text

register = template.Library()


@register.filter
def zone_name(zone_id) -> str:
    """`{{ series.time_zone|zone_name }}`: the zone as people say it (北京时间)."""
    return zone_name_text(zone_id)
