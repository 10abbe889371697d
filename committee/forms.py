from django import forms

from committee.models import Community


class CommunityForm(forms.ModelForm):
    """What a chair keeps current; name, code and hierarchy stay with the district."""

    class Meta:
        model = Community
        fields = ["area_km2", "residents", "households", "address"]
