"""Catalogue suggestions: the items of a district's catalogue closest to a task's title.

The title alone is enough: rapidfuzz over the items' names, character pairs shared with
the name (after a small synonym map: a department's word → the catalogue's word), and with
the item's category and basis at half weight. A chosen task category lifts its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from rapidfuzz import fuzz

from committee.models import District
from tasks.models import CatalogueItem, Category

SUGGESTION_LIMIT = 5
SUGGESTION_MIN_SCORE = 30

# Task categories and the catalogue categories (Chinese) they usually fall under.
CATEGORY_HINTS: dict[str, tuple[str, ...]] = {
    Category.STATISTICS: ("统计", "普查"),
    Category.FORMS: ("统计", "报表"),
    Category.CERTIFICATE: ("证明",),
    Category.MEDIATION: ("调解",),
    Category.SELF_GOVERNANCE: ("自治",),
    Category.INSPECTION: ("考核", "检查", "评比"),
    Category.SIGNBOARD: ("挂牌", "展板"),
    Category.LEDGER: ("台账",),
    Category.CAMPAIGN: ("宣传", "创建"),
}


@dataclass(frozen=True)
class Suggestion:
    item: CatalogueItem
    score: int


# Words a department's title uses → the words the catalogue uses for the same matter, so a
# title alone finds its item ("人口统计报表" → 统计调查和普查).
SYNONYMS: dict[str, str] = {
    "报表": "统计",
    "填表": "统计 填表报数",
    "报数": "统计 填表报数",
    "人口": "普查",
    "普查": "统计调查",
    "调查": "统计调查",
    "台帐": "台账",
    "展板": "挂牌",
    "评比": "考核",
    "纠纷": "调解",
    "矛盾": "调解纠纷",
    "保险": "商业保险",
    "征订": "报刊订阅",
    "订阅": "报刊",
    "拆违": "拆迁拆违",
    "打卡": "打卡签到",
    "公众号": "微信关注",
    "低保": "最低生活保障",
    "垃圾": "垃圾分类",
    "治安": "社会治安",
    "居住": "居住情况",
}
_NOT_TEXT = set("、，,。（）() ")


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _NOT_TEXT)
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _expanded(title: str) -> str:
    return " ".join([title, *(words for word, words in SYNONYMS.items() if word in title)])


def _match(title: str, expanded: str, item: CatalogueItem) -> float:
    """How well a title fits an item: rapidfuzz over the item's name, shared character
    pairs with the name (synonyms included), and with its category and basis (half weight)."""
    own, grams = _bigrams(title), _bigrams(expanded)
    named = _bigrams(item.item)
    on_name = len(grams & named) / max(1, min(len(own), len(named), 6))
    on_basis = len(grams & _bigrams(f"{item.category}{item.basis}")) / max(1, len(own))
    fuzzy = max(fuzz.partial_ratio(title, item.item), fuzz.partial_ratio(expanded, item.item) * 0.9)
    return max(fuzzy * 0.6, on_name * 100, on_basis * 50)


def suggest_catalogue_items(
    *, district: District, title: str, category: str = "", on: date | None = None
) -> list[Suggestion]:
    """The catalogue items closest to a task's title, best first; the title alone is enough,
    a category (when chosen) lifts the items of its kind."""
    title = (title or "").strip()
    if not title:
        return []
    on = on or timezone.localdate()
    items = list(CatalogueItem.objects.filter(district=district).valid_on(on))
    hints = CATEGORY_HINTS.get(category, ())
    expanded = _expanded(title)
    scored = []
    for item in items:
        score = _match(title, expanded, item)
        if hints and any(h in f"{item.category} {item.item}" for h in hints):
            score += 25
        if score >= SUGGESTION_MIN_SCORE:
            scored.append(Suggestion(item, min(100, round(score))))
    scored.sort(key=lambda s: (-s.score, s.item.list, s.item.item))
    return scored[:SUGGESTION_LIMIT]
