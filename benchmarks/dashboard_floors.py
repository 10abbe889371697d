"""Hand-written SQL floors for the dashboards' figures (benchmarks/dashboards.py).

``BASE``: about ten queries computing what the street-office and district dashboards show
(hours and their administrative share, task counts and money, unauthorised tasks by month,
negative-list work, income by kind, spending, pay medians, the department league, the
twelve-month trends, the survey answers) straight from the records. ``ROLLUPS``: the same
figures from the rollup tables (the survey answers from their tallies). Both run on SQLite
and PostgreSQL; the communities are those of one street office or one district; the period
is a calendar year.
"""

from __future__ import annotations

from datetime import date

COMMUNITIES = {
    "street office": "SELECT id FROM committee_community WHERE street_office_id = {unit}",
    "district": (
        "SELECT c.id FROM committee_community c JOIN committee_streetoffice so"
        " ON so.id = c.street_office_id WHERE so.district_id = {unit}"
    ),
}


def _month(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"date_trunc('month', {column})"
    return f"strftime('%Y-%m', {column})"


def _median(rows: str, group: str) -> str:
    """The one or two middle values of `net` per `group` over the subquery `rows`."""
    return (
        f"SELECT {group}, net FROM (SELECT {group}, net,"
        f" ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY net, id) AS r,"
        f" COUNT(*) OVER (PARTITION BY {group}) AS n FROM ({rows}) x) y"
        " WHERE r * 2 >= n AND r * 2 <= n + 2"
    )


SURVEY = """
SELECT sv.community_id, ch.key, COUNT(*) FROM surveys_answer a
JOIN surveys_response r ON r.id = a.response_id
JOIN surveys_survey sv ON sv.id = r.survey_id
JOIN surveys_question q ON q.id = a.question_id
LEFT JOIN surveys_choice ch ON ch.id = a.choice_id
WHERE q.purpose = 'committee_nature' AND sv.community_id IN ({c})
  AND r.submitted_at < '{after}'
GROUP BY sv.community_id, ch.key
"""

SURVEY_TALLIES = """
SELECT sv.community_id, ch.key, SUM(t.answers) FROM surveys_tally t
JOIN surveys_survey sv ON sv.id = t.survey_id
JOIN surveys_question q ON q.id = t.question_id
LEFT JOIN surveys_choice ch ON ch.id = t.choice_id
WHERE q.purpose = 'committee_nature' AND sv.community_id IN ({c})
  AND t.day <= '{end}'
GROUP BY sv.community_id, ch.key
"""


def base(vendor: str) -> list[str]:
    m_te, m_task, m_inc, m_pay = (
        _month("te.date", vendor),
        _month("received_on", vendor),
        _month("date", vendor),
        _month("p.month", vendor),
    )
    pay = (
        "SELECT p.id, s.community_id, s.kind, p.month, p.net FROM staff_payrecord p"
        " JOIN staff_staffmember s ON s.id = p.staff_member_id"
        " WHERE p.kind = 'monthly' AND s.kind IN ('fulltime', 'assistant')"
        " AND s.community_id IN ({c}) AND p.month BETWEEN '{start}' AND '{end}'"
    )
    return [
        # hours, administrative hours, hours while pending, per community
        """SELECT s.community_id, SUM(te.hours),
             SUM(CASE WHEN t.nature = 'administrative' THEN te.hours ELSE 0 END),
             SUM(CASE WHEN te.while_pending THEN te.hours ELSE 0 END)
           FROM tasks_timeentry te JOIN staff_staffmember s ON s.id = te.staff_member_id
           LEFT JOIN tasks_task t ON t.id = te.task_id
           WHERE s.community_id IN ({c}) AND te.date BETWEEN '{start}' AND '{end}'
           GROUP BY s.community_id""",
        # task counts and money per community
        """SELECT community_id, COUNT(*),
             SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END),
             SUM(CASE WHEN outcome IN ('assist_listed', 'assist_authorised') THEN 1 ELSE 0 END),
             SUM(CASE WHEN outcome IN ('assist_listed', 'assist_authorised')
                      AND money_promised > 0 THEN 1 ELSE 0 END),
             SUM(money_promised), SUM(money_received)
           FROM tasks_task WHERE community_id IN ({c})
             AND received_on BETWEEN '{start}' AND '{end}'
           GROUP BY community_id""",
        # unauthorised tasks per community and month (the peak month)
        f"""SELECT community_id, {m_task}, COUNT(*) FROM tasks_task
           WHERE community_id IN ({{c}}) AND received_on BETWEEN '{{start}}' AND '{{end}}'
             AND (worked_while_pending OR (outcome = 'pending' AND decision_due < '{{today}}'))
           GROUP BY community_id, {m_task}""",
        # negative-list tasks that got hours, per community
        """SELECT t.community_id, COUNT(*) FROM tasks_task t
           JOIN tasks_catalogueitem ci ON ci.id = t.catalogue_item_id
           WHERE t.community_id IN ({c}) AND t.received_on BETWEEN '{start}' AND '{end}'
             AND ci.list IN ('negative', 'cert_banned')
             AND EXISTS (SELECT 1 FROM tasks_timeentry te WHERE te.task_id = t.id)
           GROUP BY t.community_id""",
        # income by kind, per community
        """SELECT community_id, kind, SUM(amount) FROM funds_income
           WHERE community_id IN ({c}) AND date BETWEEN '{start}' AND '{end}'
           GROUP BY community_id, kind""",
        # spending and essential spending, per community
        """SELECT e.community_id, SUM(e.amount),
             SUM(CASE WHEN cat.essential THEN e.amount ELSE 0 END)
           FROM funds_expense e LEFT JOIN funds_category cat ON cat.id = e.category_id
           WHERE e.community_id IN ({c}) AND e.date BETWEEN '{start}' AND '{end}'
           GROUP BY e.community_id""",
        # pay medians per community and kind
        _median(pay, "community_id, kind"),
        # the department league: counts and money, then the hours on those tasks
        """SELECT t.department_id, d.name, COUNT(*),
             SUM(CASE WHEN worked_while_pending OR (outcome = 'pending'
                 AND decision_due < '{today}') THEN 1 ELSE 0 END),
             SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END),
             SUM(money_promised), SUM(money_received)
           FROM tasks_task t JOIN committee_department d ON d.id = t.department_id
           WHERE t.community_id IN ({c}) AND t.received_on BETWEEN '{start}' AND '{end}'
           GROUP BY t.department_id, d.name""",
        """SELECT t.department_id, SUM(te.hours) FROM tasks_task t
           JOIN tasks_timeentry te ON te.task_id = t.id
           WHERE t.community_id IN ({c}) AND t.received_on BETWEEN '{start}' AND '{end}'
           GROUP BY t.department_id""",
        # the twelve-month trends: administrative share, pooled share, pay
        f"""SELECT {m_te}, SUM(te.hours),
             SUM(CASE WHEN t.nature = 'administrative' THEN te.hours ELSE 0 END)
           FROM tasks_timeentry te JOIN staff_staffmember s ON s.id = te.staff_member_id
           LEFT JOIN tasks_task t ON t.id = te.task_id
           WHERE s.community_id IN ({{c}}) AND te.date BETWEEN '{{start}}' AND '{{end}}'
           GROUP BY {m_te}""",
        f"""SELECT {m_inc}, kind, SUM(amount) FROM funds_income
           WHERE community_id IN ({{c}}) AND date BETWEEN '{{start}}' AND '{{end}}'
           GROUP BY {m_inc}, kind""",
        _median(pay.replace("p.month,", f"{m_pay} AS m,"), "m, kind"),
        SURVEY,
    ]


def rollups(vendor: str) -> list[str]:
    pay = (
        "SELECT id, community_id, kind, month, net FROM dashboards_paymonth"
        " WHERE community_id IN ({c}) AND month BETWEEN '{start}' AND '{end}'"
    )
    sums = ", ".join(
        f"SUM({name})"
        for name in [
            "hours",
            "hours_admin",
            "hours_while_pending",
            "tasks",
            "tasks_refused",
            "tasks_assist",
            "tasks_assist_funded",
            "tasks_negative_worked",
            "money_promised",
            "money_received",
            "allocated",
            "pooled",
            "contributions",
            "service",
            "task_funding",
            "other",
            "spent",
            "essential_costs",
        ]
    )
    return [
        # every per-community figure but pay and the unauthorised months
        f"""SELECT community_id, {sums} FROM dashboards_monthlyrollup
           WHERE community_id IN ({{c}}) AND month BETWEEN '{{start}}' AND '{{end}}'
           GROUP BY community_id""",
        # unauthorised per community and month: worked while pending, then overdue
        """SELECT community_id, month, tasks_worked_pending FROM dashboards_monthlyrollup
           WHERE community_id IN ({c}) AND month BETWEEN '{start}' AND '{end}'
             AND tasks_worked_pending > 0""",
        """SELECT community_id, month, SUM(tasks) FROM dashboards_pendingduerollup
           WHERE community_id IN ({c}) AND month BETWEEN '{start}' AND '{end}'
             AND due < '{today}'
           GROUP BY community_id, month""",
        _median(pay, "community_id, kind"),
        # the department league
        """SELECT dm.department_id, d.name, SUM(dm.tasks), SUM(dm.worked_pending),
             SUM(dm.refused), SUM(dm.hours), SUM(dm.money_promised), SUM(dm.money_received)
           FROM dashboards_departmentmonth dm JOIN committee_department d
             ON d.id = dm.department_id
           WHERE dm.community_id IN ({c}) AND dm.month BETWEEN '{start}' AND '{end}'
           GROUP BY dm.department_id, d.name""",
        """SELECT department_id, SUM(unworked) FROM dashboards_departmentpendingdue
           WHERE community_id IN ({c}) AND month BETWEEN '{start}' AND '{end}'
             AND due < '{today}'
           GROUP BY department_id""",
        # the trends
        f"""SELECT month, {sums} FROM dashboards_monthlyrollup
           WHERE community_id IN ({{c}}) AND month BETWEEN '{{start}}' AND '{{end}}'
           GROUP BY month""",
        _median(pay, "month, kind"),
        SURVEY_TALLIES,
    ]


def run(cursor, queries: list[str], unit: str, unit_id: int, year: int, today: date) -> None:
    values = {
        "c": COMMUNITIES[unit].format(unit=int(unit_id)),
        "start": date(year, 1, 1).isoformat(),
        "end": date(year, 12, 31).isoformat(),
        "after": date(year + 1, 1, 1).isoformat(),
        "today": today.isoformat(),
    }
    for sql in queries:
        cursor.execute(sql.format(**values))
        cursor.fetchall()
