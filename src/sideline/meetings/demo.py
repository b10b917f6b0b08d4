"""Demo step: people of each role for three organizations, one public meeting followed
up, and one confidential meeting whose entries are sealed on the record.

Idempotent: people and the meeting are created only when missing. The demo password is
printed; it is for a closed demo machine only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model

from sideline.accounts.services import create_person
from sideline.meetings.models import Meeting
from sideline.meetings.services import (
    add_meeting_version,
    create_meeting,
    make_commitment,
    observe_deadlines,
    propose_decision,
    respond_to_decision,
    set_agenda,
    update_progress,
)

DEMO_PASSWORD = "sideline-demo-2013"
DEMO_ORGANIZATIONS = ("nato", "csto", "osce")
DEMO_TITLE = "Counter-narcotics from Afghanistan: sideline meeting"
DEMO_CONFIDENTIAL_TITLE = "Border incident follow-up (confidential)"


def seed(*, say: Callable[[str], None]) -> None:
    User = get_user_model()
    users = {}
    for org in DEMO_ORGANIZATIONS:
        for role in ("viewer", "delegate", "signatory"):
            name = f"{org}-{role}"
            if not User.objects.filter(username=name).exists():
                create_person(
                    username=name,
                    email=f"{name}@demo.invalid",
                    organization=org,
                    role=role,
                    password=DEMO_PASSWORD,
                    focal_point=role == "signatory",
                )
            users[(org, role)] = User.objects.get(username=name)
    for name, role in (("coordinator", "coordinator"), ("curator", "curator")):
        if not User.objects.filter(username=name).exists():
            create_person(
                username=name,
                email=f"{name}@demo.invalid",
                organization=None,
                role=role,
                password=DEMO_PASSWORD,
            )
    say(
        f"demo people (password {DEMO_PASSWORD}): "
        + ", ".join(sorted(f"{o}-{r}" for o, r in users))
        + ", coordinator, curator"
    )
    if Meeting.objects.filter(title=DEMO_TITLE).exists():
        say("demo meeting already present")
        return
    meeting = create_meeting(
        actor=users[("nato", "delegate")],
        title=DEMO_TITLE,
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 9, 25),
        timezone_name="America/New_York",
        location="New York",
        public=True,
        topic="counter-narcotics",
    )
    set_agenda(
        actor=users[("nato", "delegate")],
        meeting=meeting,
        items=["Opening", "Trafficking routes", "Joint training"],
    )
    # The title and agenda in Russian too: Russian readers see them first.
    add_meeting_version(
        actor=users[("nato", "delegate")],
        meeting=meeting,
        language="ru",
        title="Борьба с наркотиками из Афганистана: встреча в кулуарах",
        items=["Открытие", "Маршруты наркотрафика", "Совместная подготовка"],
    )
    decision = propose_decision(
        actor=users[("csto", "delegate")],
        meeting=meeting,
        title="Joint border-guard training",
        text="The organizations train border guards of Central Asia **together**, from 2014.\n\n"
        "Each organization reports on its courses once a year.",
        versions=[
            {
                "language": "ru",
                "title": "Совместная подготовка пограничников",
                "text": "Организации **совместно** готовят пограничников Центральной Азии "
                "с 2014 года.\n\nКаждая организация раз в год отчитывается о своих курсах.",
            }
        ],
    )
    respond_to_decision(
        actor=users[("osce", "signatory")],
        decision=decision,
        position="statement",
        reason="The OSCE reads 'border guards' as including customs officers.",
    )
    for org in ("nato", "csto"):
        respond_to_decision(actor=users[(org, "signatory")], decision=decision, position="approve")
    decision.refresh_from_db()
    _silence_demo(users, meeting)
    for org, due, percent in (("csto", date(2014, 6, 30), 40), ("osce", date(2013, 12, 31), 80)):
        commitment = make_commitment(
            actor=users[(org, "delegate")],
            decision=decision,
            owner=org,
            description=f"{org.upper()} trains border guards",
            target="200 officers trained",
            due_date=due,
            review_date=date(2013, 12, 1),
            milestones=[("Curriculum agreed", None), ("First course held", None)],
        )
        update_progress(
            actor=users[(org, "delegate")],
            commitment=commitment,
            percent=percent,
            note="courses under way",
        )
    say(
        f"demo meeting {meeting.pk}: decision adopted (English and Russian), a decision "
        "adopted by silence procedure, 2 commitments with progress"
    )
    # Not public: on the logs it shows only as "a confidential change" by NATO and CSTO.
    private = create_meeting(
        actor=users[("nato", "delegate")],
        title=DEMO_CONFIDENTIAL_TITLE,
        host="nato",
        cohost="csto",
        participants=[],
        date=date(2013, 9, 26),
        timezone_name="America/New_York",
        location="New York",
    )
    set_agenda(
        actor=users[("csto", "delegate")],
        meeting=private,
        items=["What happened", "Who informs whom"],
    )
    say(f"demo meeting {private.pk}: confidential, sealed on the record")


def _silence_demo(users: Mapping[tuple[str, str], Any], meeting: Meeting) -> None:
    """A decision taken by silence procedure in 2013: NATO joins with a reservation,
    nobody breaks silence, and every node records the deadline passing."""
    proposed = datetime(2013, 9, 25, 16, 0, tzinfo=UTC)
    silent = propose_decision(
        actor=users[("nato", "delegate")],
        meeting=meeting,
        title="Liaison officers on drug routes",
        text="The organizations exchange liaison officers on drug routes from Afghanistan."
        "\n\nThe liaison officers report to the next meeting.",
        procedure="silence",
        deadline="2013-10-01T18:00",
        deadline_timezone="Europe/Vienna",
        versions=[
            {
                "language": "ru",
                "title": "Офицеры связи по наркотрафику",
                "text": "Организации обмениваются офицерами связи по маршрутам наркотрафика "
                "из Афганистана.\n\nОфицеры связи докладывают следующей встрече.",
            }
        ],
        now=proposed,
    )
    respond_to_decision(
        actor=users[("csto", "signatory")],
        decision=silent,
        position="reservation",
        paragraph=2,
        reason="Subject to the CSTO Collective Security Council's approval.",
        now=proposed,
    )
    observe_deadlines(now=datetime(2013, 10, 1, 16, 0, tzinfo=UTC))
