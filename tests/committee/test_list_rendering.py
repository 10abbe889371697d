"""List pages drawn in Python (committee/widgets.py, BaseTable.header_html/body_html) write
what Django's and django-tables2's templates wrote: the same elements, escaped the same."""

import re
from html.parser import HTMLParser

from django import forms
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from committee.widgets import fast_widgets
from tasks.filters import TaskFilterSet
from tests.tasks.factories import TaskFactory


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.found.append(("/", tag))

    def handle_data(self, data):
        if data.strip():
            self.found.append(data.strip())


def elements(html: str) -> list:
    parser = _Elements()
    parser.feed(html)
    return parser.found


class Everything(forms.Form):
    text = forms.CharField(required=False)
    number = forms.IntegerField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    one = forms.ChoiceField(choices=[("", "—"), ("a", "A & <b>"), ("b", 'B "quoted"')])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    maybe = forms.NullBooleanField(required=False)
    grouped = forms.ChoiceField(choices=[("G", [("g1", "G1"), ("g2", "G2")])], required=False)


def render(form) -> str:
    template = engines["django"].from_string("{% for f in form %}{{ f }}{% endfor %}")
    return template.render({"form": form})


def test_fast_inputs_and_selects_write_the_same_elements_as_djangos_templates():
    data = {
        "text": '<script>"x"</script>',
        "number": "3",
        "day": "2026-06-15",
        "one": "a",
        "many": ["x", "z"],
        "maybe": "true",
        "grouped": "g2",
    }
    for bound in (data, {"one": "nope", "many": ["q"]}, None):
        assert elements(render(fast_widgets(Everything(bound)))) == elements(
            render(Everything(bound))
        )
    fast = render(fast_widgets(Everything(data)))
    assert "<script>" not in fast
    assert "A &amp; &lt;b&gt;" in fast


def test_the_task_filter_form_is_the_same_for_a_district_officer(world, district_officer):
    request = RequestFactory().get("/tasks/", {"outcome": ["duty", "refused"], "category": "x"})
    request.user = district_officer
    slow = TaskFilterSet(request.GET, request=request).form
    fast = fast_widgets(TaskFilterSet(request.GET, request=request).form)
    assert elements(render(fast)) == elements(render(slow))
    assert str(world.community_b.name) in render(fast)


def test_the_table_escapes_every_cell_and_its_sort_links_keep_the_filters(
    as_user, district_officer, world
):
    TaskFactory(community=world.community_a, title="<b>bold</b> & co")
    page = as_user(district_officer).get(reverse("tasks:task_list"), {"q": "<"})
    html = page.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert "<b>bold</b>" not in html
    task = page.context["table"].paginated_rows[0].record
    assert f'<a href="{task.get_absolute_url()}">' in html
    assert 'href="?q=%3C&amp;sort=title"' in html


def count_line(page) -> str:
    return re.search(r'<p class="muted count">(.*?)</p>', page.content.decode()).group(1)


def test_a_long_list_is_counted_up_to_the_cap_and_a_page_past_it_counts_exactly(
    as_user, district_officer, world, monkeypatch
):
    from committee.tables import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("tasks.tables.TaskTable.Meta.per_page", 2, raising=False)
    for i in range(7):
        TaskFactory(community=world.community_a, title=f"task {i}")
    client = as_user(district_officer)
    first = client.get(reverse("tasks:task_list"), {"per_page": 2})
    assert first.context["table"].paginator.capped
    assert count_line(first) != count_line(client.get(reverse("tasks:task_list"), {"q": "task 1"}))
    assert "3" in count_line(first)
    assert len(first.context["table"].paginated_rows) == 2
    two = client.get(reverse("tasks:task_list"), {"per_page": 2, "q": "task 1"})
    assert two.context["table"].paginator.count == 1 and "1" in count_line(two)
    none = client.get(reverse("tasks:task_list"), {"per_page": 2, "q": "no such task"})
    assert none.context["table"].paginator.count == 0 and "0" in count_line(none)
    second = client.get(reverse("tasks:task_list"), {"per_page": 2, "page": 2})
    assert [row.record.title for row in second.context["table"].paginated_rows] == [
        "task 4",
        "task 3",
    ]
    far = client.get(reverse("tasks:task_list"), {"per_page": 2, "page": 4})
    table = far.context["table"]
    assert table.paginator.count == 7 and not table.paginator.capped
    assert [row.record.title for row in table.paginated_rows] == ["task 0"]
    assert "7" in count_line(far)


def test_past_many_communities_the_community_is_typed_by_name_or_id_within_scope(
    as_user, official_a, district_officer, world, monkeypatch
):
    monkeypatch.setattr("committee.filters.MANY_COMMUNITIES", 1)
    TaskFactory(community=world.community_a, title="in A")
    TaskFactory(community=world.community_b, title="in B")
    url = reverse("tasks:task_list")
    officer = as_user(district_officer)
    page = officer.get(url)
    assert '<input type="text" name="community"' in page.content.decode()
    assert '<select name="community"' not in page.content.decode()

    def titles(client, community):
        shown = client.get(url, {"community": community}).context["table"].paginated_rows
        return {row.record.title for row in shown}

    assert titles(officer, world.community_b.name) == {"in B"}
    assert titles(officer, str(world.community_a.pk)) == {"in A"}
    # Street office A's official: B is outside the scope, by name or by id.
    official = as_user(official_a)
    assert titles(official, str(world.community_b.pk)) == set()
    assert titles(official, world.community_b.name) == set()


# The page links as committee/table.html drew them with django-tables2's own tags.
DJANGO_TABLES2_PAGE_LINKS = """{% load i18n django_tables2 %}{% if table.page and table.paginator.num_pages > 1 %}
<ul class="pagination">
{% if table.page.has_previous %}<li class="previous"><a href="{% querystring_replace table.prefixed_page_field=table.page.previous_page_number %}">{% translate 'previous' %}</a></li>{% endif %}
{% for p in table.page|table_page_range:table.paginator %}<li {% if p == table.page.number %}class="active"{% endif %}>{% if p == '...' %}<a href="#">{{ p }}</a>{% else %}<a href="{% querystring_replace table.prefixed_page_field=p %}">{{ p }}</a>{% endif %}</li>{% endfor %}
{% if table.page.has_next %}<li class="next"><a href="{% querystring_replace table.prefixed_page_field=table.page.next_page_number %}">{% translate 'next' %}</a></li>{% endif %}
</ul>
{% endif %}"""  # noqa: E501 -- the template as it was, one line per tag


def test_the_page_links_are_django_tables2s(as_user, district_officer, world, monkeypatch):
    monkeypatch.setattr("tasks.tables.TaskTable.Meta.per_page", 2, raising=False)
    for i in range(25):
        TaskFactory(community=world.community_a, title=f"task {i}")
    client = as_user(district_officer)
    template = engines["django"].from_string(DJANGO_TABLES2_PAGE_LINKS)
    for query in ({}, {"page": 2, "q": "task & co"}, {"page": 7}, {"page": 13, "sort": "title"}):
        response = client.get(reverse("tasks:task_list"), {"per_page": 2, **query})
        table = response.context["table"]
        expected = template.render({"table": table, "request": response.wsgi_request})
        assert table.pagination_html() == expected
    assert '<a href="#">...</a>' in expected and 'class="previous"' in expected
