"""The meetings' answers to other areas' signals."""

from django.dispatch import receiver

from liaison.matters.signals import reached_leading_group

from . import services


@receiver(reached_leading_group, dispatch_uid="meetings.put_on_leading_group_agenda")
def put_on_leading_group_agenda(sender, matter, actor, cache, **kwargs):
    """A matter escalated to the leading group goes on its next meeting's agenda; the
    next meeting is looked up once per sweep."""
    key = ("meetings.next_leading_group_meeting", matter.organization_id)
    if key not in cache:
        cache[key] = services.next_leading_group_meeting(matter.organization_id)
    if cache[key] is not None:
        services.put_escalated_on_agenda(cache[key], matter, actor)
