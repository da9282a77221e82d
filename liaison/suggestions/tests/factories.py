"""Letters are written through the services, as the pages write them."""

from liaison.suggestions import services
from liaison.suggestions.models import Channel, Kind, Mailbox


def write(
    h,
    *,
    writer="outsider",
    anonymous=False,
    kind=Kind.SUGGESTION,
    mailbox=Mailbox.BOX,
    department=None,
    subject="门诊候诊区座椅不够",
    body="上午高峰时段门诊二楼候诊区座椅不足，老年患者只能站着等候。",
    channel=None,
    writer_name="",
):
    """A letter and its code; `writer` is a key of the hospital's people (None: public)."""
    person = h.p[writer] if writer else None
    return services.submit(
        h.organization,
        services.SuggestionInput(
            kind=kind,
            subject=subject,
            body=body,
            mailbox=mailbox,
            department=h.d[department] if department else None,
            anonymous=anonymous,
            writer_name=writer_name,
        ),
        channel=channel or (Channel.STAFF if person else Channel.PUBLIC),
        writer=person,
    )
