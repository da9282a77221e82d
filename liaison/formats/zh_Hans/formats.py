# 2026年12月5日 22:02, as official documents write dates; only what differs from
# Django's own Chinese formats, which stay in force for the rest (input formats).
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
# Our own name, for dates with their weekday: 2027年1月21日 星期四.
WEEKDAY_DATE_FORMAT = "Y年n月j日 l"
