"""Which URL patterns with an object key have a scoping test.

A test class or function covering anonymous / out-of-scope (404) / no-write (403)
for a URL declares it with ``@covers("app:url_name", ...)``;
tests/committee/test_url_coverage.py fails for any keyed URL nobody covers.
"""

COVERED: set[str] = set()


def covers(*url_names: str):
    def mark(obj):
        COVERED.update(url_names)
        return obj

    return mark
