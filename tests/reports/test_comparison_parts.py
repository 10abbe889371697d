"""The street-office report's side-by-side table stays inside the page in both languages."""

from types import SimpleNamespace

from django.utils import translation

from dashboards.reports.content import Cell, _comparison_parts

ENGLISH = [
    "Administrative share of staff hours",
    "Tasks taken on without admission",
    "Negative-list tasks worked on",
    "Assistance tasks that came with their money",
    "Usable money against essential costs",
    "Share of the allocation pooled away",
    "Full-time pay against the minimum wage",
    "Full-time pay against assistants' pay",
    "Residents who feel represented",
    "Demands over a cap or without a basis",
    "Data items asked more than once (重复填报)",
]
CHINESE = [
    "政务性工作工时占比",
    "未经准入承接的任务",
    "承接的负面清单任务",
    "费随事转的协助事项占比",
    "可用经费对必要支出",
    "被街道统筹的拨款占比",
    "专职工资对最低工资",
    "专职工资对协管员工资",
    "认为居委会代表居民的比例",
    "超上限或无依据的事项",
    "重复填报的数据项",
]


def _flags(labels):
    return [
        SimpleNamespace(label=label, cell=Cell("amber", f"{n * 11} %", " ■"))
        for n, label in enumerate(labels)
    ]


def _comparison(flags):
    names = ["爱国社区", "和平社区", "红旗社区"]
    return [(name, [f.cell if n % 3 else None for n, f in enumerate(flags)]) for name in names]


def _parts(flags, comparison):
    return _comparison_parts(flags, comparison, [f.cell for f in flags])


def _check(parts, flags, comparison):
    assert [f for part in parts for f in part["flags"]] == flags  # each flag once, in order
    assert [c for part in parts for c in part["total"]] == [f.cell for f in flags]
    for part in parts:
        assert sum(part["widths"]) <= 100.5  # the table fits the page's width
        assert len(part["widths"]) == len(part["flags"]) + 1  # the communities' column
        assert [name for name, _ in part["rows"]] == [name for name, _ in comparison]
        assert all(len(row) == len(part["flags"]) for _, row in part["rows"])
    shown = {name: [] for name, _ in comparison}
    for part in parts:
        for name, row in part["rows"]:
            shown[name].extend(row)
    assert shown == dict(comparison)  # every cell under its own flag


def test_eleven_english_flags_are_split_so_each_table_fits_the_page():
    with translation.override("en"):
        flags = _flags(ENGLISH)
        comparison = _comparison(flags)
        parts = _parts(flags, comparison)
    assert len(parts) >= 2
    _check(parts, flags, comparison)


def test_eleven_chinese_flags_fit_one_table():
    with translation.override("zh-hans"):
        flags = _flags(CHINESE)
        comparison = _comparison(flags)
        parts = _parts(flags, comparison)
    assert len(parts) == 1
    _check(parts, flags, comparison)


def test_a_status_of_too_few_answers_gets_its_own_line_and_the_room_for_it():
    def widths(too_few):
        flags = _flags(ENGLISH)
        if too_few:  # the words say more than the colour: a second line in the cell
            flags[8].cell = Cell("none", "12 %", "", "too few answers (7)")
        comparison = _comparison(flags)
        parts = _parts(flags, comparison)
        _check(parts, flags, comparison)
        part = next(p for p in parts if flags[8] in p["flags"])
        return part["widths"][part["flags"].index(flags[8]) + 1]

    with translation.override("en"):
        assert widths(too_few=True) > widths(too_few=False)
