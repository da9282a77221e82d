"""Notices as the tests need them, written through the services."""

from liaison.notices import services


def publish(h, *, by="office_head", department="YB", departments=("XXK", "YJK", "MZB"), **kw):
    data = services.NoticeInput(
        title=kw.pop("title", "关于开展院感自查的通知"),
        body=kw.pop("body", "各科室于本周五前完成自查。"),
        author_department=h.d[department],
        departments=tuple(h.d[code] for code in departments),
        **kw,
    )
    return services.create_notice(h.p[by], data, publish=True)
