"""Registry pages render, in both languages, and never show a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sideline.registry.models import Membership, Organization, State


def test_home_lists_organizations(client: Client, minimal_registry: Path) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "CSTO" in response.content.decode()


def test_organization_page_shows_timeline_departure(client: Client, minimal_registry: Path) -> None:
    page = client.get("/organizations/csto/").content.decode()

    assert "ceased to be member" in page
    assert "2012-12-19" in page


def test_organization_page_in_russian(client: Client, minimal_registry: Path) -> None:
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})

    page = client.get("/organizations/csto/").content.decode()

    assert "Узбекистан" in page
    assert "Хронология изменений членства" in page


def test_organization_page_bad_as_of_says_so(client: Client, minimal_registry: Path) -> None:
    response = client.get("/organizations/csto/?as_of=2013-02-30")

    assert response.status_code == 200
    assert "is not a date; use YYYY-MM-DD. Showing today." in response.content.decode()


@pytest.mark.parametrize("url", ["/organizations/nowhere/", "/states/XYZ/", "/no/such/page/"])
def test_unknown_page_is_friendly_404(client: Client, minimal_registry: Path, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 404
    assert "There is no such page" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/organizations/", "/states/", "/states/KAZ/", "/forums/?year=2012", "/search/?q=kaz"]
)
def test_registry_pages_render(client: Client, minimal_registry: Path, url: str) -> None:
    assert client.get(url).status_code == 200


def test_search_finds_state_by_russian_name(client: Client, minimal_registry: Path) -> None:
    page = client.get("/search/?q=Узбек").content.decode()

    assert "/states/UZB/" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_organization_page_queries_do_not_grow_with_members(
    client: Client, minimal_registry: Path
) -> None:
    one = _queries(client, "/organizations/csto/")
    csto = Organization.objects.get(slug="csto")
    source = csto.source
    for code in ("ARM", "BLR"):
        # States outlive a registry reload (other records point at them), so they may exist.
        state, _ = State.objects.get_or_create(
            code=code, defaults={"name_en": code, "name_ru": code}
        )
        Membership.objects.create(
            organization=csto, state=state, status="member", start="2002", source=source
        )

    assert _queries(client, "/organizations/csto/") == one


def test_forum_page_queries_do_not_grow_with_sessions(
    client: Client, minimal_registry: Path
) -> None:
    one = _queries(client, "/forums/?year=2012")
    from sideline.registry.models import ForumSession

    session = ForumSession.objects.get()
    for day in (20, 21):
        copy = ForumSession.objects.create(
            key=f"copy-{day}",
            forum=session.forum,
            start=session.start.replace(day=day),
            end=session.end.replace(day=day),
            city="Moscow",
            country=session.country,
            timezone="Europe/Moscow",
            source=session.source,
        )
        copy.attendees.set(session.attendees.all())

    assert _queries(client, "/forums/?year=2012") == one


def test_admin_lists_memberships_for_staff(
    client: Client, minimal_registry: Path, admin_user: object
) -> None:
    client.force_login(admin_user)  # type: ignore[arg-type]

    response = client.get("/admin/registry/membership/")

    assert response.status_code == 200
    assert "UZB" in response.content.decode() or "Uzbekistan" in response.content.decode()


def test_admin_refuses_anonymous(client: Client, db: None) -> None:
    response = client.get("/admin/registry/membership/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
