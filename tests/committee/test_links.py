"""A record's address, built once per pattern: the same as reverse() gives."""

import pytest
from django.urls import reverse

from committee.links import record_url
from funds.models import Expense, Income
from staff.models import PayRecord, StaffMember
from surveys.models import Survey
from tasks.models import Task


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Task, "tasks:task_detail"),
        (Survey, "surveys:survey_detail"),
        (StaffMember, "staff:staff_detail"),
        (PayRecord, "staff:payrecord_edit"),
        (Income, "funds:income_detail"),
        (Expense, "funds:expense_detail"),
    ],
)
def test_a_records_address_is_what_reverse_gives(model, name):
    for pk in (1, 7, 12345):
        assert model(pk=pk).get_absolute_url() == reverse(name, args=[pk])


def test_an_id_that_is_not_a_whole_number_goes_through_reverse():
    assert record_url("tasks:task_detail", 42) == "/tasks/42/"
    with pytest.raises(Exception, match="Reverse"):
        record_url("tasks:task_detail", "x")
