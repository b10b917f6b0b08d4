"""The meetings' rows are the projection of the ops: service → op → reducer → rows."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.cli import main
from sideline.meetings.models import (
    AgendaItem,
    Commitment,
    Decision,
    DecisionResponse,
    Meeting,
    Minutes,
    ProgressUpdate,
)
from sideline.meetings.projection import node_projection, rebuild, stored_projection
from sideline.meetings.services import (
    agree_minutes,
    circulate_minutes,
    create_meeting,
    make_commitment,
    save_minutes,
    set_agenda,
    update_progress,
)
from sideline.registry.models import Organization
from tests.meetings.conftest import ORGS, Cast


def _follow_up(cast: Cast, meeting: Meeting, adopted: Decision) -> Commitment:
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Routes", "Liaison"])
    save_minutes(actor=cast.of("csto", "delegate"), meeting=meeting, text="We met.")
    circulate_minutes(actor=cast.of("nato", "delegate"), meeting=meeting)
    for org in ORGS:
        agree_minutes(actor=cast.of(org, "signatory"), meeting=meeting)
    commitment = make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=adopted,
        owner="osce",
        description="Train border officers",
        target="200 officers",
        due_date=date(2014, 6, 30),
        milestones=[("Curriculum", date(2014, 1, 31)), ("First course", None)],
    )
    update_progress(
        actor=cast.of("osce", "delegate"),
        commitment=commitment,
        milestone=commitment.milestones.order_by("pk")[0].pk,
        note="Curriculum agreed",
    )
    return commitment


def test_rows_made_by_the_services_are_the_projection_of_their_ops(
    cast: Cast, meeting: Meeting, adopted: Decision
) -> None:
    commitment = _follow_up(cast, meeting, adopted)
    public = create_meeting(
        actor=cast.of("csto", "delegate"),
        title="Open talks",
        host="csto",
        participants=["sco"],
        date=date(2013, 10, 1),
        public=True,
    )

    projection = node_projection()

    assert rebuild(check=True).differences == []
    assert projection == stored_projection()
    assert projection.meetings[str(meeting.op_id)]["minutes"]["status"] == "agreed"
    assert projection.meetings[str(public.op_id)]["title"] == "Open talks"
    assert projection.decisions[str(adopted.op_id)]["status"] == "adopted"
    assert projection.commitments[str(commitment.op_id)]["progress"] == 50


def test_approval_written_into_the_database_is_found_and_undone(
    cast: Cast, meeting: Meeting, proposal: Decision
) -> None:
    # The node's operator writes the CSTO's approval, and the adoption, straight into
    # the tables, with no op in the CSTO's log.
    DecisionResponse.objects.create(
        decision=proposal, organization=Organization.objects.get(slug="csto"), position="approve"
    )
    Decision.objects.filter(pk=proposal.pk).update(status="adopted")

    found = rebuild(check=True)
    fixed = rebuild()

    assert found.differences == [
        f"decision {proposal.op_id}: answers: rows [['csto', 'approve', '']], ops []",
        f"decision {proposal.op_id}: status: rows 'adopted', ops 'proposed'",
    ]
    assert (fixed.rebuilt, rebuild(check=True).differences) == (True, [])
    assert (DecisionResponse.objects.count(), Decision.objects.get().status) == (0, "proposed")


def test_rows_lost_are_made_again_from_the_ops(
    cast: Cast, meeting: Meeting, adopted: Decision
) -> None:
    commitment = _follow_up(cast, meeting, adopted)
    before = stored_projection()
    ProgressUpdate.objects.all().delete()
    Commitment.objects.all().delete()
    Decision.objects.all().delete()
    Meeting.objects.all().delete()

    report = rebuild()

    assert report.rebuilt
    assert stored_projection() == before
    assert Commitment.objects.get().op_id == commitment.op_id
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Routes", "Liaison"]
    assert Minutes.objects.get().text == "We met."


def test_check_command_names_a_tampered_row_and_exits_non_zero(
    cast: Cast, meeting: Meeting
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(title="Forged title")
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("federation_rebuild", "--check", stdout=out)

    assert str(caught.value) == "1 difference(s) between the rows and the ops"
    assert out.getvalue() == (
        f"meeting {meeting.op_id}: title: rows 'Forged title', "
        "ops 'Counter-narcotics on the sidelines'\n"
    )
    assert Meeting.objects.get().title == "Forged title"


def test_rebuild_command_corrects_the_rows(cast: Cast, meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(location="Nowhere")
    out = StringIO()

    call_command("federation_rebuild", stdout=out)
    call_command("federation_rebuild", "--check", stdout=out)

    assert out.getvalue().splitlines() == [
        f"meeting {meeting.op_id}: location: rows 'Nowhere', ops ''",
        "rebuilt: 1 difference(s) corrected from the ops",
        "the rows are the projection of the ops: no difference",
    ]


def test_sideline_federation_rebuild_is_the_projections_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["federation", "rebuild", "--help"])

    assert caught.value.code == 0
    assert "--check" in capsys.readouterr().out
