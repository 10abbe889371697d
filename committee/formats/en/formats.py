"""One date style in both languages: 2026-03-01, as every list, PDF and workbook writes it.

Only what is shown changes; the input formats (what a form accepts) stay Django's own.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
