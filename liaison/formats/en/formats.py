# 5 December 2026 22:02: day before month and a 24-hour clock, never the US 12/05/2026
# that a reader in China would take for 12 May.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
# Our own name, for dates with their weekday: "Thursday 21 January 2027".
WEEKDAY_DATE_FORMAT = "l j F Y"
