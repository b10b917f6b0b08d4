"""Registry endpoints: organizations, their members and relations as of a date, states, forums,
sessions."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from sideline.errors import ApiError, parse_date_argument
from sideline.registry.enums import MembershipStatus
from sideline.registry.models import Forum, Function, Membership, Organization, Relation, State
from sideline.registry.selectors import (
    in_force_on,
    members_as_of,
    memberships_of_state,
    relations_of,
    sessions_in_year,
)

router = Router(tags=["registry"])


class SourceOut(Schema):
    key: str
    title: str
    publisher: str
    url: str


class OrganizationOut(Schema):
    slug: str
    abbreviation_en: str
    abbreviation_ru: str
    name_en: str
    name_ru: str
    founded: str
    dissolved: str
    bloc: str
    pillars: list[str]
    headquarters: str
    url: str


class MandateOut(Schema):
    function: str
    weight: str
    basis: str
    source: SourceOut


class ForumOut(Schema):
    slug: str
    organization: str
    name_en: str
    name_ru: str
    level: str
    rrule: str
    timezone: str


class OrganizationDetailOut(OrganizationOut):
    mandates: list[MandateOut]
    forums: list[ForumOut]
    source: SourceOut


class MemberOut(Schema):
    participant: str
    participant_kind: str
    participant_name_en: str
    participant_name_ru: str
    state: str | None
    state_name_en: str | None
    state_name_ru: str | None
    organization: str
    status: str
    start: str
    end: str | None
    source: SourceOut
    note: str


class RelationOut(Schema):
    id: str
    organization: str
    counterpart: str
    kind: str
    title: str
    signed: str | None
    in_force: str | None
    ended: str | None
    reference: str
    source: SourceOut
    note: str


class FunctionOut(Schema):
    slug: str
    name_en: str
    name_ru: str
    description_en: str


class SessionOut(Schema):
    id: str
    forum: str
    organization: str
    start: date
    end: date
    city: str
    country: str
    timezone: str
    attendees: list[str]
    status: str


def _organization(slug: str) -> Organization:
    try:
        return Organization.objects.select_related("source").get(slug=slug)
    except Organization.DoesNotExist:
        raise ApiError(
            404,
            "unknown_organization",
            f"slug: no organization {slug!r}; see GET /api/organizations",
            field="slug",
        ) from None


def _source(source: object) -> SourceOut:
    return SourceOut.model_validate(source, from_attributes=True)


def _organization_out(organization: Organization) -> dict[str, object]:
    return {
        "slug": organization.slug,
        "abbreviation_en": organization.abbreviation_en,
        "abbreviation_ru": organization.abbreviation_ru,
        "name_en": organization.name_en,
        "name_ru": organization.name_ru,
        "founded": organization.founded,
        "dissolved": organization.dissolved,
        "bloc": organization.bloc,
        "pillars": organization.pillar_list,
        "headquarters": organization.headquarters,
        "url": organization.url,
    }


def _forum_out(forum: Forum) -> ForumOut:
    return ForumOut(
        slug=forum.slug,
        organization=forum.organization.slug,
        name_en=forum.name_en,
        name_ru=forum.name_ru,
        level=forum.level,
        rrule=forum.rrule,
        timezone=forum.timezone,
    )


def _member_out(membership: Membership) -> MemberOut:
    state = membership.state
    participant = membership.participant
    return MemberOut(
        participant=membership.participant_code,
        participant_kind="state" if state is not None else "organization",
        participant_name_en=participant.name_en,
        participant_name_ru=participant.name_ru,
        state=state.code if state else None,
        state_name_en=state.name_en if state else None,
        state_name_ru=state.name_ru if state else None,
        organization=membership.organization.slug,
        status=membership.status,
        start=membership.start,
        end=membership.end or None,
        source=_source(membership.source),
        note=membership.note,
    )


@router.get("/organizations", response=list[OrganizationOut], summary="List the organizations")
def list_organizations(request: HttpRequest) -> list[dict[str, object]]:
    return [
        _organization_out(organization) for organization in Organization.objects.order_by("slug")
    ]


@router.get(
    "/organizations/{slug}",
    response=OrganizationDetailOut,
    summary="One organization, its mandate and forums",
)
def get_organization(request: HttpRequest, slug: str) -> dict[str, object]:
    organization = _organization(slug)
    return {
        **_organization_out(organization),
        "mandates": [
            MandateOut(
                function=m.function.slug, weight=m.weight, basis=m.basis, source=_source(m.source)
            )
            for m in organization.mandates.select_related("function", "source")
        ],
        "forums": [
            _forum_out(forum) for forum in organization.forums.select_related("organization")
        ],
        "source": _source(organization.source),
    }


@router.get(
    "/organizations/{slug}/members",
    response=list[MemberOut],
    summary="Members of an organization as of a date (today by default)",
)
def list_members(
    request: HttpRequest, slug: str, as_of: str | None = None, status: str | None = None
) -> list[MemberOut]:
    organization = _organization(slug)
    day = parse_date_argument(as_of, name="as_of", default=timezone.localdate())
    assert day is not None
    statuses = None
    if status:
        statuses = [value.strip() for value in status.split(",") if value.strip()]
        unknown = [value for value in statuses if value not in MembershipStatus.values]
        if unknown:
            raise ApiError(
                400,
                "invalid_status",
                f"status: {unknown[0]!r} is not one of {', '.join(MembershipStatus.values)}",
                field="status",
            )
    return [_member_out(m) for m in members_as_of(organization, as_of=day, statuses=statuses)]


def _optional_day(as_of: str | None) -> date | None:
    """Read an optional ``as_of``: absent or empty means every date, else it must be a date.

    An empty ``as_of`` is read as an absent one everywhere in the API (docs/api.md).
    """
    if not as_of:
        return None
    return parse_date_argument(as_of, name="as_of")


def _relation_out(relation: Relation) -> RelationOut:
    return RelationOut(
        id=relation.key,
        organization=relation.organization.slug,
        counterpart=relation.counterpart.slug,
        kind=relation.kind,
        title=relation.title,
        signed=relation.signed or None,
        in_force=relation.in_force or None,
        ended=relation.ended or None,
        reference=relation.reference,
        source=_source(relation.source),
        note=relation.note,
    )


@router.get(
    "/organizations/{slug}/relations",
    response=list[RelationOut],
    summary="An organization's formal ties with other organizations, all or as of a date",
)
def list_organization_relations(
    request: HttpRequest, slug: str, as_of: str | None = None
) -> list[RelationOut]:
    organization = _organization(slug)
    day = _optional_day(as_of)
    return [_relation_out(r) for r in relations_of(organization, as_of=day)]


@router.get(
    "/relations",
    response=list[RelationOut],
    summary="Formal ties between organizations, all or as of a date",
)
def list_relations(request: HttpRequest, as_of: str | None = None) -> list[RelationOut]:
    day = _optional_day(as_of)
    rows = Relation.objects.select_related("organization", "counterpart", "source")
    if day is not None:
        rows = rows.filter(in_force_on(day))
    return [_relation_out(r) for r in rows.order_by("start_date", "key")]


@router.get(
    "/states/{code}/memberships",
    response=list[MemberOut],
    summary="A state's memberships, all or as of a date",
)
def list_state_memberships(
    request: HttpRequest, code: str, as_of: str | None = None
) -> list[MemberOut]:
    try:
        state = State.objects.get(code=code.upper())
    except State.DoesNotExist:
        raise ApiError(
            404,
            "unknown_state",
            f"code: no state {code!r} in the registry; use an ISO 3166-1 alpha-3 code",
            field="code",
        ) from None
    day = parse_date_argument(as_of, name="as_of")
    return [_member_out(m) for m in memberships_of_state(state, as_of=day).select_related("state")]


@router.get("/forums", response=list[ForumOut], summary="List the forums")
def list_forums(request: HttpRequest) -> list[ForumOut]:
    return [_forum_out(forum) for forum in Forum.objects.select_related("organization")]


@router.get("/sessions", response=list[SessionOut], summary="Forum sessions of a year")
def list_sessions(request: HttpRequest, year: int | None = None) -> list[SessionOut]:
    chosen = year if year is not None else timezone.localdate().year
    if not 1900 <= chosen <= 2200:
        raise ApiError(400, "invalid_year", f"year: {chosen} is outside 1900–2200", field="year")
    return [
        SessionOut(
            id=s.key,
            forum=s.forum.slug,
            organization=s.forum.organization.slug,
            start=s.start,
            end=s.end,
            city=s.city,
            country=s.country.code,
            timezone=s.timezone,
            attendees=sorted(o.slug for o in s.attendees.all()),
            status=s.status,
        )
        for s in sessions_in_year(chosen)
    ]


@router.get("/functions", response=list[FunctionOut], summary="The taxonomy of security functions")
def list_functions(request: HttpRequest) -> list[Function]:
    return list(Function.objects.all())
