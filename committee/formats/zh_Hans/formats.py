"""One date style in both languages: 2026-03-01, as every list, PDF and workbook writes it.

Only what is shown changes; the input formats (what a form accepts) stay Django's own.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"

# Whole numbers grouped by thousands with a comma, as money is and as the English pages
# do (Django's zh_Hans groups by nothing). Only where grouping is asked for
# (force_grouping, intcomma): USE_THOUSAND_SEPARATOR stays off, so inputs are unchanged.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
