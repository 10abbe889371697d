"""Staff pages, one module per room: roster, pay, payroll, district settings."""

from .common import default_period
from .district import (
    DistrictSettingsMixin,
    InsuranceRatesCreateView,
    InsuranceRatesListView,
    InsuranceRatesUpdateView,
    PayScaleCreateView,
    PayScaleListView,
    PayScaleUpdateView,
    WageBenchmarkCreateView,
    WageBenchmarkListView,
    WageBenchmarkUpdateView,
)
from .pay import (
    CommunityPayView,
    PayOverviewView,
    PayRecordCreateView,
    PayRecordDeleteView,
    PayRecordFormMixin,
    PayRecordListView,
    PayRecordUpdateView,
    PeriodMixin,
    period_from,
)
from .payroll import PayrollView
from .roster import (
    PersonalDataMixin,
    StaffMemberCreateView,
    StaffMemberDetailView,
    StaffMemberFormMixin,
    StaffMemberListView,
    StaffMemberUpdateView,
)

__all__ = [
    "PersonalDataMixin",
    "StaffMemberListView",
    "StaffMemberDetailView",
    "StaffMemberFormMixin",
    "StaffMemberCreateView",
    "StaffMemberUpdateView",
    "default_period",
    "period_from",
    "PayRecordListView",
    "PayRecordFormMixin",
    "PayRecordCreateView",
    "PayRecordUpdateView",
    "PayRecordDeleteView",
    "PeriodMixin",
    "PayOverviewView",
    "CommunityPayView",
    "PayrollView",
    "DistrictSettingsMixin",
    "WageBenchmarkListView",
    "WageBenchmarkCreateView",
    "WageBenchmarkUpdateView",
    "InsuranceRatesListView",
    "InsuranceRatesCreateView",
    "InsuranceRatesUpdateView",
    "PayScaleListView",
    "PayScaleCreateView",
    "PayScaleUpdateView",
]
