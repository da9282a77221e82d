"""What the matters tell other areas, which the matters do not import."""

from django.dispatch import Signal

#: Sent inside the escalation's transaction when a matter reaches the coordination
#: leading group (the top of the ladder). Arguments: `matter`, `actor` (the person who
#: escalated, or None for the sweep) and `cache`, a dict for look-ups that lives for one
#: sweep (or for this one action), so a receiver reads shared things once per sweep.
reached_leading_group = Signal()
