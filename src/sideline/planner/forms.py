"""Forms of the coordinator's pages: moving a meeting, publishing a version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sideline.planner.instance import Instance
from sideline.registry.models import Organization


class MoveForm(forms.Form):
    """Where to move a meeting; rooms are shown counting from 1."""

    venue = forms.ChoiceField(label=_("Session"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.IntegerField(label=_("Slot"), min_value=1)
    room = forms.IntegerField(label=_("Room"), min_value=1)
    confirm = forms.BooleanField(label=_("Save despite the warnings above"), required=False)

    def __init__(self, *args: Any, instance: Instance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["venue"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (v.id, f"{v.forum or v.id} — {v.city}, {v.start:%Y-%m-%d}…{v.end:%Y-%m-%d}")
            for v in instance.venues()
        ]


class PublishForm(forms.Form):
    """Which organization signs the publication in its record."""

    publisher = forms.ModelChoiceField(
        label=_("Published by"),
        queryset=Organization.objects.order_by("slug"),
        to_field_name="slug",
    )
