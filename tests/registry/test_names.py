"""Names of states, organizations, forums, functions, pillars and cities in every language."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import sideline
from sideline.registry.models import Forum, ForumSession, Function, Organization, Pillar, State
from sideline.registry.names import NAMES_FILE, city_name, local_name, state_name

DATA = Path(sideline.__file__).parent / "data"
OTHER = [code for code, _ in settings.LANGUAGES if code not in ("en", "ru")]


def rows(file: str) -> list[dict[str, str]]:
    with (DATA / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("language", OTHER)
@pytest.mark.parametrize(
    ("kind", "file", "column"),
    [
        ("organization", "organizations.csv", "slug"),
        ("forum", "forums.csv", "slug"),
        ("function", "functions.csv", "slug"),
        ("pillar", "pillars.csv", "slug"),
    ],
)
def test_every_bundled_row_has_a_sourced_name(
    kind: str, file: str, column: str, language: str
) -> None:
    missing = [
        row[column]
        for row in rows(file)
        if (found := local_name(kind, row[column], language)) is None or not found.source
    ]

    assert missing == []


@pytest.mark.parametrize("language", ["ru", *OTHER])
def test_every_city_of_a_session_and_headquarters_has_a_name(language: str) -> None:
    cities = {row["city"] for row in rows("sessions.csv")}
    cities |= {row["headquarters"] for row in rows("organizations.csv") if row["headquarters"]}

    assert sorted(c for c in cities if local_name("city", c, language) is None) == []


@pytest.mark.parametrize("language", OTHER)
def test_every_state_of_the_data_has_a_name_from_cldr_or_the_file(language: str) -> None:
    codes = {row["state"] for row in rows("memberships.csv") if row["state"]}
    codes |= {row["country"] for row in rows("sessions.csv")}

    assert sorted(code for code in codes if state_name(code, language) is None) == []


def test_names_file_has_one_row_per_kind_key_and_language() -> None:
    with NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        keys = [(r["kind"], r["key"], r["language"]) for r in csv.DictReader(handle)]

    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_names_follow_the_active_language(registry: None) -> None:
    osce = Organization.objects.get(slug="osce")
    kazakhstan = State.objects.get(code="KAZ")
    function = Function.objects.get(slug="counter-terrorism")
    pillar = Pillar.objects.get(slug="china")
    forum = Forum.objects.get(slug="sco-heads-of-state-council")
    session = ForumSession.objects.filter(city="Moscow").first()
    assert session is not None

    seen = {}
    for language in ("en", "ru", "kk", "ar", "zh-hans", "fr", "es"):
        with translation.override(language):
            seen[language] = (
                osce.name,
                osce.abbreviation,
                kazakhstan.name,
                function.name,
                pillar.name,
                forum.name,
                session.city_name,
            )

    assert seen == {
        "en": (
            "Organization for Security and Co-operation in Europe",
            "OSCE",
            "Kazakhstan",
            "Counter-terrorism",
            "China",
            "SCO Council of Heads of State",
            "Moscow",
        ),
        "ru": (
            "Организация по безопасности и сотрудничеству в Европе",
            "ОБСЕ",
            "Казахстан",
            "Противодействие терроризму",
            "Китай",
            "Совет глав государств — членов ШОС",
            "Москва",
        ),
        "kk": (
            "Еуропадағы қауіпсіздік және ынтымақтастық ұйымы",
            "ЕҚЫҰ",
            "Қазақстан",
            "Терроризмге қарсы іс-қимыл",
            "Қытай",
            "ШЫҰ мемлекет басшылары кеңесі",
            "Мәскеу",
        ),
        "ar": (
            "منظمة الأمن والتعاون في أوروبا",
            "OSCE",
            "كازاخستان",
            "مكافحة الإرهاب",
            "الصين",
            "مجلس رؤساء دول منظمة شنغهاي للتعاون",
            "موسكو",
        ),
        "zh-hans": (
            "欧洲安全与合作组织",
            "欧安组织",
            "哈萨克斯坦",
            "反恐怖主义",
            "中国",
            "上合组织成员国元首理事会",
            "莫斯科",
        ),
        "fr": (
            "Organisation pour la sécurité et la coopération en Europe",
            "OSCE",
            "Kazakhstan",
            "Lutte antiterroriste",
            "Chine",
            "Conseil des chefs d'État de l'OCS",
            "Moscou",
        ),
        "es": (
            "Organización para la Seguridad y la Cooperación en Europa",
            "OSCE",
            "Kazajistán",
            "Lucha contra el terrorismo",
            "China",
            "Consejo de Jefes de Estado de la OCS",
            "Moscú",
        ),
    }


@pytest.mark.django_db
def test_a_missing_name_falls_back_to_english_not_to_the_slug(registry: None) -> None:
    pillar = Pillar.objects.create(slug="india", name_en="India", name_ru="Индия")

    with translation.override("kk"):
        assert pillar.name == "India"
    assert city_name("Nur-Sultan", "ar") == "Nur-Sultan"
