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


class ScopingTests:
    """The scoping triad of one keyed URL, inherited (NetBox's view test cases are the model).

    A test class sets ``url_name``, ``record`` (the fixture whose key goes into the URL, or
    an attribute of one: ``"world.community_a"``) and
    the personas (fixture names from tests/conftest.py):

    - ``owner`` opens the page (200): the happy path;
    - ``outsider`` gets 404, as if the record did not exist;
    - ``reader`` (optional) sees the record but may not change it here: 403;

    and an anonymous visitor is sent to the login page. The class covers its URL for
    tests/committee/test_url_coverage.py. ``query`` is added to the URL (a month, a period).
    """

    url_name: str
    record: str
    owner: str
    outsider: str
    reader: str | None = None
    query: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "url_name", None):
            COVERED.add(cls.url_name)
        if getattr(cls, "reader", None) is None:
            cls.test_a_reader_without_the_right_gets_403 = None

    def url_of(self, request) -> str:
        from django.urls import reverse

        fixture, *attributes = self.record.split(".")  # "world.community_a" reads an attribute
        found = request.getfixturevalue(fixture)
        for attribute in attributes:
            found = getattr(found, attribute)
        key = found.pk
        return reverse(self.url_name, args=[key]) + (f"?{self.query}" if self.query else "")

    def get_as(self, request, persona: str):
        from tests.conftest import logged_in

        return logged_in(request.getfixturevalue(persona)).get(self.url_of(request))

    def test_an_anonymous_visitor_is_sent_to_log_in(self, request, client):
        response = client.get(self.url_of(request))
        assert response.status_code == 302 and response.url.startswith("/login/")

    def test_someone_out_of_scope_gets_404(self, request):
        assert self.get_as(request, self.outsider).status_code == 404

    def test_a_reader_without_the_right_gets_403(self, request):
        assert self.get_as(request, self.reader).status_code == 403

    def test_the_owner_opens_it(self, request):
        assert self.get_as(request, self.owner).status_code == 200
