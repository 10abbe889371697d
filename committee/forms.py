from django import forms
from django.utils.translation import gettext_lazy as _

from committee.models import Community, StreetOffice
from committee.roles import Role


class CommunityForm(forms.ModelForm):
    """What a chair keeps current; name, code and hierarchy stay with the district."""

    class Meta:
        model = Community
        fields = ["area_km2", "residents", "households", "address"]


class AccountRoleForm(forms.Form):
    """A role and the place it is held at, limited to what the manager looks after."""

    role = forms.ChoiceField(label=_("Role"))
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), required=False, label=_("Community")
    )
    street_office = forms.ModelChoiceField(
        queryset=StreetOffice.objects.none(),
        required=False,
        label=_("Street office"),
        help_text=_("For a street-office official."),
    )

    def __init__(self, *args, reach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in reach.roles]
        self.fields["community"].queryset = reach.communities.order_by("code")
        if Role.STREET_OFFICIAL in reach.roles:
            self.fields["street_office"].queryset = reach.street_offices.order_by("code")
        else:
            del self.fields["street_office"]

    def unit(self):
        """The community, or for an official the street office, the role is held at."""
        if self.cleaned_data["role"] == Role.STREET_OFFICIAL:
            return self.cleaned_data.get("street_office")
        return self.cleaned_data.get("community")


class AccountForm(AccountRoleForm):
    """A new account: who it is, and its one role."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    field_order = ["username", "full_name", "email", "role", "community", "street_office"]
