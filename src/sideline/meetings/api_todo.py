"""The caller's "to do" list as JSON: ``GET /api/meetings/todo``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from sideline.accounts.auth import API_AUTH, request_user
from sideline.meetings.todo import todo_for

router = Router(tags=["meetings"])


class ToDoItemOut(Schema):
    title: str
    meeting: int
    url: str  # the page where it is done
    detail: str  # a status, a revision, the proposer or the delegate's name


class ToDoOut(Schema):
    count: int
    decisions: list[ToDoItemOut]
    minutes: list[ToDoItemOut]
    commitments: list[ToDoItemOut]
    delegations: list[ToDoItemOut]
    proposals: list[ToDoItemOut]


@router.get("/todo", response=ToDoOut, auth=API_AUTH)
def get_todo(request: HttpRequest) -> dict[str, Any]:
    """What awaits the caller's answer, by the rights of their role (as on ``/meetings/todo/``)."""
    todo = todo_for(request_user(request))

    def meeting_url(pk: int, anchor: str = "") -> str:
        return reverse("meetings:detail", args=[pk]) + anchor

    return {
        "count": todo.count,
        "decisions": [
            {
                "title": d.title,
                "meeting": d.meeting_id,
                "url": reverse("meetings:decision", args=[d.pk]),
                "detail": d.proposed_by.slug,
            }
            for d in todo.decisions
        ],
        "minutes": [
            {
                "title": m.meeting.title,
                "meeting": m.meeting_id,
                "url": meeting_url(m.meeting_id, "#minutes"),
                "detail": f"revision {m.revision}",
            }
            for m in todo.minutes
        ],
        "commitments": [
            {
                "title": c.description[:300],
                "meeting": c.decision.meeting_id,
                "url": reverse("meetings:commitment", args=[c.pk]),
                "detail": status,
            }
            for c, status in todo.commitments
        ],
        "delegations": [
            {
                "title": d.meeting.title,
                "meeting": d.meeting_id,
                "url": meeting_url(d.meeting_id),
                "detail": d.name,
            }
            for d in todo.delegations
        ],
        "proposals": [
            {
                "title": p.title,
                "meeting": p.meeting_id,
                "url": meeting_url(p.meeting_id, "#proposed-items"),
                "detail": p.organization.slug,
            }
            for p in todo.proposals
        ],
    }
