"""Demo step: people of each role for three organizations, one public meeting followed
up, and one confidential meeting whose entries are sealed on the record.

Idempotent: people and the meeting are created only when missing. The demo password is
printed; it is for a closed demo machine only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model

from sideline.accounts.services import create_person
from sideline.meetings.models import Meeting
from sideline.meetings.services import (
    create_meeting,
    make_commitment,
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
    decision = propose_decision(
        actor=users[("csto", "delegate")],
        meeting=meeting,
        title="Joint border-guard training",
        text="The organizations train border guards of Central Asia **together**, from 2014.",
    )
    for org in DEMO_ORGANIZATIONS:
        respond_to_decision(actor=users[(org, "signatory")], decision=decision, position="approve")
    decision.refresh_from_db()
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
    say(f"demo meeting {meeting.pk}: decision adopted, 2 commitments with progress")
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
