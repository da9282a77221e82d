"""Background work of notices, through Django's Tasks API."""

from django_tasks import task

from . import services


@task()
def tell_about_notice(
    notice_id: int, person_ids: list[int], ask: str, title: str, detail: str = ""
) -> int:
    """Inbox items and e-mails about a notice for one chunk of a large audience."""
    return services.tell(notice_id, person_ids, ask, title, detail)
