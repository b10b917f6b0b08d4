"""Forms of the coordinator's pages: moving a meeting, publishing, entering a request,
a forum session and its cancellation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from sideline.node import hosted_organizations
from sideline.planner.instance import MAX_ROOMS, MAX_SLOTS_PER_DAY, Instance
from sideline.planner.models import MeetingRequest, SummitCandidate
from sideline.planner.services import MAX_PRIORITY, MAX_SLOTS
from sideline.registry.enums import SessionStatus
from sideline.registry.models import Forum, ForumSession, Function, Organization, State
from sideline.validators import date_validators

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class MoveForm(forms.Form):
    """Where to move a meeting; rooms are shown counting from 1."""

    venue = forms.ChoiceField(label=_("Session"))
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(),
    )
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only an organization hosted here can sign the publication on this node.
        field = self.fields["publisher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(slug__in=hosted_organizations()).order_by(
            "slug"
        )


class _OrganizationChoice(forms.ModelMultipleChoiceField[Organization]):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.abbreviation} — {obj.name}"


class MeetingRequestForm(forms.Form):
    """A meeting request entered by hand; the services check it against the year."""

    key = forms.CharField(
        label=_("Identifier"),
        max_length=200,
        help_text=_("Unique in the year: letters, digits, '.', '_' or '-', e.g. csto-sco-ct."),
    )
    organizations = _OrganizationChoice(
        label=_("Organizations"),
        queryset=Organization.objects.order_by("slug"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more."),
    )
    function = forms.ModelChoiceField(
        label=_("Security function"),
        queryset=Function.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
    )
    topic = forms.CharField(label=_("Or a topic in your own words"), max_length=200, required=False)
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=1,
        max_value=MAX_PRIORITY,
        initial=1,
        help_text=_("The planner places the highest total priority; suggestions use 1 to 10."),
    )
    slots = forms.IntegerField(
        label=_("Slots of 90 minutes"), min_value=1, max_value=MAX_SLOTS, initial=1
    )
    not_before = forms.DateField(
        label=_("Not before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(),
    )
    not_after = forms.DateField(
        label=_("Not after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=date_validators(),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is not None and data.get("function") and data.get("topic", "").strip():
            self.add_error("topic", _("Choose a security function or write a topic, not both."))
        return data

    def topic_value(self) -> str:
        """Return the topic to store: the function's slug (which links it) or the text."""
        function: Function | None = self.cleaned_data.get("function")
        topic: str = self.cleaned_data.get("topic", "")
        return function.slug if function is not None else topic


class MeetingRequestEditForm(MeetingRequestForm):
    """The same request, identifier kept: plans and feeds know the request by it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["key"]

    @classmethod
    def initial_of(cls, row: MeetingRequest) -> dict[str, Any]:
        """Return the form's initial values for a stored request."""
        return {
            "organizations": [o.slug for o in row.organizations.all()],
            "function": row.function.slug if row.function is not None else None,
            "topic": "" if row.function is not None else row.topic,
            "priority": row.priority,
            "slots": row.slots,
            "not_before": row.not_before,
            "not_after": row.not_after,
        }


def _day_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}), validators=date_validators()
    )


class _StateChoice(forms.ModelChoiceField[State]):
    def label_from_instance(self, obj: State) -> str:
        return f"{obj.name} ({obj.code})"


class _ForumChoice(forms.ModelChoiceField[Forum]):
    def label_from_instance(self, obj: Forum) -> str:
        return obj.name


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "---------")] + [(zone, zone) for zone in sorted(available_timezones())]


class ForumSessionForm(forms.Form):
    """A forum session of the registry, with the source that shows it."""

    forum = _ForumChoice(
        label=_("Forum"), queryset=Forum.objects.order_by("slug"), to_field_name="slug"
    )
    start = _day_field(_("First day"))
    end = _day_field(_("Last day"))
    city = forms.CharField(label=_("City (in English)"), max_length=120)
    country = _StateChoice(
        label=_("Country"),
        queryset=State.objects.filter(historical=False).order_by("name_en"),
        to_field_name="code",
    )
    timezone = forms.ChoiceField(
        label=_("Time zone of the venue"),
        help_text=_("The IANA zone of the city, e.g. Europe/Vienna."),
    )
    attendees = _OrganizationChoice(
        label=_("Organizations attending"),
        queryset=Organization.objects.order_by("slug"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (SessionStatus.ANNOUNCED.value, SessionStatus.ANNOUNCED.label),
            (SessionStatus.PROJECTED.value, SessionStatus.PROJECTED.label),
            (SessionStatus.HELD.value, SessionStatus.HELD.label),
        ],
        initial=SessionStatus.ANNOUNCED.value,
    )
    citation = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("An address (URL) or a citation of the announcement."),
    )
    reason = forms.CharField(
        label=_("Note (optional)"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _zone_choices()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        start, end = (data or {}).get("start"), (data or {}).get("end")
        if start is not None and end is not None and end < start:
            self.add_error("end", _("The last day must not be before the first."))
        return data

    @classmethod
    def initial_of(cls, session: ForumSession) -> dict[str, Any]:
        """Return the form's initial values for a stored session (a new source is asked)."""
        return {
            "forum": session.forum.slug,
            "start": session.start,
            "end": session.end,
            "city": session.city,
            "country": session.country.code,
            "timezone": session.timezone,
            "attendees": [o.slug for o in session.attendees.all()],
            "status": session.status,
        }


class CancelSessionForm(forms.Form):
    """Why a forum session is cancelled, and the source that says so."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)
    citation = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("An address (URL) or a citation of the announcement."),
    )


class SummitCandidateForm(forms.Form):
    """A special summit candidate of a year, in the instance format's terms."""

    key = forms.SlugField(
        label=_("Identifier"),
        max_length=120,
        help_text=_("Unique in the year, e.g. astana-2027."),
    )
    city = forms.CharField(label=_("City (in English)"), max_length=120)
    country = _StateChoice(
        label=_("Country"),
        queryset=State.objects.filter(historical=False).order_by("name_en"),
        to_field_name="code",
    )
    timezone = forms.ChoiceField(label=_("Time zone of the venue"))
    start = _day_field(_("First day"))
    end = _day_field(_("Last day"))
    slots_per_day = forms.IntegerField(
        label=_("Slots of 90 minutes a day"), min_value=1, max_value=MAX_SLOTS_PER_DAY, initial=4
    )
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=MAX_ROOMS, initial=1)
    cost = forms.IntegerField(
        label=_("Cost"),
        min_value=0,
        max_value=MAX_PRIORITY,
        initial=0,
        help_text=_("The planner opens the summit only when the priorities it hosts exceed this."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the sessions page shows this form beside the session's.
        kwargs.setdefault("auto_id", "summit_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _zone_choices()

    @classmethod
    def initial_of(cls, row: SummitCandidate) -> dict[str, Any]:
        """Return the form's initial values for a stored candidate."""
        return {name: getattr(row, name) for name in cls.base_fields}


class CancelSummitForm(forms.Form):
    """Why a special summit candidate is withdrawn."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)
