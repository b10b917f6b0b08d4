"""What each kind of operation carries: its ``args``, its content, and their limits.

Declared once with the validators of :mod:`sideline.federation.schema`; they check
operations (:mod:`sideline.federation.ops`) and write the JSON Schema in docs/schemas/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sideline.federation.schema import (
    Base64,
    Bool,
    Date,
    Enum,
    Int,
    List,
    Nullable,
    Obj,
    Str,
    Validator,
)

__all__ = [
    "HASH",
    "INSTANT",
    "KINDS",
    "MAX_MEETING_LANGUAGES",
    "MAX_PARAGRAPHS",
    "MAX_PARTICIPANTS",
    "MAX_RESHARED",
    "MAX_SEALED_PLAINTEXT",
    "MAX_TEXT",
    "MAX_VERSIONS",
    "MEDIA_TYPES",
    "OBJECT_ID",
    "POSITIONS",
    "ROLES",
    "SLOT_BYTES",
    "SLUG",
    "SOURCE",
    "STATE",
    "SUITE",
    "KindSpec",
]

MAX_PARTICIPANTS = 32
MAX_TEXT = 50_000
# A sealed op (see federation/sealing.py): HPKE, RFC 9180, base mode, with
# DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305.
SUITE = "hpke-x25519-sha256-chacha20poly1305"
# One recipient's slot: the HPKE encapsulated key (32 bytes) and the content key sealed
# with its tag (32 + 16).
SLOT_BYTES = 80
# The padded plaintext of an envelope. 38,912 bytes (76 x 512) keep the whole envelope
# op, as base64url with 32 slots and 32 causal references, under MAX_OP_BYTES.
MAX_SEALED_PLAINTEXT = 38_912
AEAD_TAG_BYTES = 16
# Content keys one meeting.reshare carries: 250 fit in one envelope's plaintext.
MAX_RESHARED = 250
ROLES = ("delegate", "signatory", "focal_point", "coordinator")

SLUG = Str(
    64, min_length=1, pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*", description="an organization slug"
)
HASH = Str(64, min_length=64, pattern=r"[0-9a-f]{64}", description="a lowercase hex SHA-256")
# A global identifier: the creating organization's slug, a slash, and a name it chose.
# The reducer requires the slug to be the creator's, so nobody squats another's names.
OBJECT_ID = Str(
    130,
    min_length=3,
    pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*/[A-Za-z0-9._-]{1,64}",
    description="an object identifier <organization>/<name>",
)
LOCAL_ID = Str(64, min_length=1, pattern=r"[A-Za-z0-9._-]+", description="an identifier")
# Checked by shape only: whether a zone exists depends on a node's tz database, and a
# rule that depends on the node would break convergence.
ZONE = Str(
    64,
    pattern=r"UTC|[A-Z][A-Za-z_+-]*(?:/[A-Za-z0-9_+-]+){1,2}",
    description="an IANA time zone name such as Europe/Vienna",
)
LINE = Str(300, min_length=1)
# An instant in UTC to the second, in one fixed form, so that the reducer compares
# instants as strings and never needs a node's tz database: the zone a person chose
# travels beside it, for display only.
INSTANT = Str(
    20,
    min_length=20,
    pattern=r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z",
    description="a UTC instant such as 2013-10-01T16:00:00Z",
)
# A language code as Django names the interface's languages: "ru", and "zh-hans" for
# Chinese in simplified script (the second part was added later; every earlier code stays valid).
LANGUAGE = Str(
    8,
    min_length=2,
    pattern=r"[a-z]{2,3}(?:-[a-z]{2,4})?",
    description="a language code such as ru or zh-hans",
)
MAX_VERSIONS = 6
# A meeting's title and agenda in each of the seven languages of the interface at most.
MAX_MEETING_LANGUAGES = 7
MAX_PARAGRAPHS = 1_000
PARAGRAPH = Int(1, MAX_PARAGRAPHS)
TEXT = Str(MAX_TEXT, multiline=True)
REASON = Str(5_000, multiline=True)
# A state by its ISO 3166-1 alpha-3 code, as the registry names states.
STATE = Str(
    3, min_length=3, pattern=r"[A-Z]{3}", description="an ISO 3166 alpha-3 code such as KGZ"
)
# A concern's source: a link or a reference in words, one line.
SOURCE = Str(1000, min_length=1)
MEDIA_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "text/plain",
    "image/png",
    "image/jpeg",
)


@dataclass(frozen=True)
class KindSpec:
    """What one kind of operation carries.

    ``creates``: the op's ``object`` is a new identifier in the actor's namespace.
    ``content``: the fields of the clear content (``None``: the kind has no content).
    ``content_required``: an op of this kind must carry content.
    """

    args: Obj
    content: Obj | None = None
    content_required: bool = False
    creates: bool = False


def _obj(required: Mapping[str, Validator], optional: Mapping[str, Validator] | None = None) -> Obj:
    return Obj(required=required, optional=optional or {})


_NO_ARGS = _obj({})
_MINUTES_ARGS = _obj({"minutes_sha256": HASH})
# approve; approve with an interpretative statement; approve with a reservation on a
# paragraph; object; withdraw one's position.
POSITIONS = ("approve", "statement", "reservation", "object", "withdraw")
# How a decision is taken: by consensus at a meeting (every participant approves), or
# by silence procedure (adopted at the deadline unless someone breaks silence).
_PROCEDURE = {
    "procedure": Enum(("meeting", "silence")),
    "deadline": INSTANT,
    "timezone": ZONE,
    "paragraphs": PARAGRAPH,
}
# The text in its first language and its other equally authentic versions; the
# content's hash covers them all, so an answer names the set.
_DECISION_TEXT = _obj(
    {"title": LINE, "text": TEXT},
    {
        "salt": HASH,
        "language": LANGUAGE,
        "versions": List(
            _obj({"language": LANGUAGE, "title": LINE, "text": TEXT}), MAX_VERSIONS - 1
        ),
    },
)

# A meeting's title in its first language and in others (issue 17): optional, so that
# contents written before carry on meaning "a title in English".
_TITLE_LANGUAGES: Mapping[str, Validator] = {
    "language": LANGUAGE,
    "versions": List(_obj({"language": LANGUAGE, "title": LINE}), MAX_MEETING_LANGUAGES - 1),
}

KINDS: Mapping[str, KindSpec] = MappingProxyType(
    {
        "meeting.create": KindSpec(
            args=_obj(
                {
                    "date": Date(),
                    "timezone": ZONE,
                    "cohost": Nullable(SLUG),
                    "participants": List(SLUG, MAX_PARTICIPANTS, sorted_unique=True),
                    "public": Bool(),
                },
                {
                    "forum_session": Str(120, min_length=1),
                    "planner_request": Str(120, min_length=1),
                    # The security function it is about (registry slug), for display.
                    "topic": SLUG,
                },
            ),
            content=_obj({"title": LINE}, {"location": Str(200), "salt": HASH, **_TITLE_LANGUAGES}),
            content_required=True,
            creates=True,
        ),
        "meeting.add_participant": KindSpec(args=_obj({"organization": SLUG})),
        # The title again, with its language versions: the content replaces the title's.
        "meeting.title": KindSpec(
            args=_NO_ARGS,
            content=_obj({"title": LINE}, {"salt": HASH, **_TITLE_LANGUAGES}),
            content_required=True,
        ),
        "agenda.set": KindSpec(
            args=_NO_ARGS,
            content=_obj(
                {"items": List(LINE, 100)},
                # The item (1-based) that approves the minutes of an earlier meeting.
                {
                    "salt": HASH,
                    "minutes_of": _obj({"position": Int(1, 100), "meeting": OBJECT_ID}),
                    # The same items in other languages, item for item.
                    "versions": List(
                        _obj({"language": LANGUAGE, "items": List(LINE, 100)}),
                        MAX_MEETING_LANGUAGES - 1,
                    ),
                },
            ),
            content_required=True,
        ),
        # A participant proposes an item; a host accepts it (then sets the agenda with
        # it) or declines it with a reason. The proposal is named "<proposer>/<id>".
        "agenda.propose": KindSpec(
            args=_obj({"proposal": LOCAL_ID}),
            content=_obj({"title": LINE}, {"salt": HASH}),
            content_required=True,
        ),
        "agenda.accept": KindSpec(args=_obj({"proposal": OBJECT_ID})),
        "agenda.decline": KindSpec(
            args=_obj({"proposal": OBJECT_ID}),
            content=_obj({"reason": REASON}, {"salt": HASH}),
            content_required=True,
        ),
        "delegation.name": KindSpec(
            args=_obj({"delegate": LOCAL_ID}),
            content=_obj(
                {"name": Str(200, min_length=1), "email": Str(254, min_length=3)}, {"salt": HASH}
            ),
            content_required=True,
        ),
        "delegation.accept": KindSpec(args=_obj({"delegate": LOCAL_ID})),
        "delegation.approve": KindSpec(args=_obj({"delegate": LOCAL_ID})),
        "document.add": KindSpec(
            args=_obj(
                {
                    "document": LOCAL_ID,
                    "sha256": HASH,
                    "size": Int(1, 10 * 1024 * 1024),
                    "media_type": Enum(MEDIA_TYPES),
                }
            ),
            content=_obj({"title": LINE, "filename": Str(255, min_length=1)}, {"salt": HASH}),
            content_required=True,
        ),
        "minutes.draft": KindSpec(
            args=_NO_ARGS,
            content=_obj({"text": TEXT}, {"salt": HASH}),
            content_required=True,
        ),
        "minutes.circulate": KindSpec(args=_MINUTES_ARGS),
        "minutes.agree": KindSpec(args=_MINUTES_ARGS),
        "minutes.lock": KindSpec(args=_MINUTES_ARGS),
        "decision.propose": KindSpec(
            args=_obj({"meeting": OBJECT_ID, "amends": Nullable(OBJECT_ID)}, _PROCEDURE),
            content=_DECISION_TEXT,
            content_required=True,
            creates=True,
        ),
        "decision.edit": KindSpec(
            args=_obj({}, {"paragraphs": PARAGRAPH}),
            content=_DECISION_TEXT,
            content_required=True,
        ),
        "decision.respond": KindSpec(
            args=_obj(
                {"position": Enum(POSITIONS), "text_sha256": HASH},
                # paragraph: what a reservation is about; at: the signed time of an
                # answer under a silence procedure (see rules_decisions.py).
                {"paragraph": PARAGRAPH, "at": INSTANT},
            ),
            content=_obj({"reason": REASON}, {"salt": HASH}),
        ),
        "decision.break_silence": KindSpec(
            args=_obj({"text_sha256": HASH, "at": INSTANT}),
            content=_obj({"reason": REASON}, {"salt": HASH}),
            content_required=True,
        ),
        "decision.extend": KindSpec(args=_obj({"deadline": INSTANT, "at": INSTANT})),
        "decision.observe": KindSpec(args=_obj({"at": INSTANT})),
        "decision.withdraw": KindSpec(
            args=_NO_ARGS,
            content=_obj({"reason": REASON}, {"salt": HASH}),
            content_required=True,
        ),
        "commitment.make": KindSpec(
            args=_obj(
                {
                    "decision": OBJECT_ID,
                    "parent": Nullable(OBJECT_ID),
                    "due": Date(),
                    "timezone": Nullable(ZONE),
                    "review": Nullable(Date()),
                    "milestones": List(_obj({"due": Nullable(Date())}), 50),
                }
            ),
            content=_obj(
                {"description": REASON, "target": Str(300), "milestones": List(LINE, 50)},
                {"salt": HASH},
            ),
            content_required=True,
            creates=True,
        ),
        "commitment.report": KindSpec(
            args=_obj({"percent": Nullable(Int(0, 100)), "milestone": Nullable(Int(0, 49))}),
            content=_obj({}, {"note": REASON, "evidence_url": Str(1000), "salt": HASH}),
        ),
        "commitment.close": KindSpec(
            args=_obj({"closed_as": Enum(("done", "dropped"))}),
            content=_obj({"reason": REASON}, {"salt": HASH}),
        ),
        "calendar.publish": KindSpec(
            args=_obj(
                {
                    "year": Int(1900, 2200),
                    "version": Int(1, 1_000_000),
                    "calendar_sha256": HASH,
                    "meetings": List(
                        _obj(
                            {
                                "request": Str(120, min_length=1),
                                "organizations": List(
                                    SLUG, MAX_PARTICIPANTS, min_items=2, sorted_unique=True
                                ),
                            }
                        ),
                        500,
                    ),
                }
            ),
            creates=True,
        ),
        "sealed": KindSpec(
            args=_obj(
                {
                    "suite": Enum((SUITE,)),
                    "slots": List(
                        Base64(SLOT_BYTES, min_bytes=SLOT_BYTES), MAX_PARTICIPANTS, min_items=1
                    ),
                    "payload": Base64(
                        MAX_SEALED_PLAINTEXT + AEAD_TAG_BYTES, min_bytes=1 + AEAD_TAG_BYTES
                    ),
                }
            ),
            creates=True,
        ),
        "meeting.reshare": KindSpec(
            args=_obj(
                {
                    "keys": List(
                        _obj({"envelope": HASH, "key": Base64(32, min_bytes=32)}),
                        MAX_RESHARED,
                        min_items=1,
                    )
                }
            )
        ),
        # Concerns raised by people (prevention, issue 18): a concern about a state, or
        # a border with another, on the raising organization's own log; endorsed by
        # others on theirs. A confidential one travels sealed to the organizations
        # concerned, as a confidential meeting's ops do to its participants.
        "concern.raise": KindSpec(
            args=_obj(
                {
                    "state": STATE,
                    "other_state": Nullable(STATE),
                    "severity": Int(1, 4),
                    "concerned": List(SLUG, MAX_PARTICIPANTS, sorted_unique=True),
                    "public": Bool(),
                }
            ),
            content=_obj(
                {"title": Str(200, min_length=1), "text": TEXT, "sources": List(SOURCE, 20)},
                {"salt": HASH},
            ),
            content_required=True,
            creates=True,
        ),
        "concern.endorse": KindSpec(
            args=_NO_ARGS, content=_obj({}, {"note": Str(500, multiline=True), "salt": HASH})
        ),
        "concern.close": KindSpec(args=_NO_ARGS),
        "calendar.respond": KindSpec(
            args=_obj(
                {
                    "request": Str(120, min_length=1),
                    "answer": Enum(("confirm", "decline")),
                    "calendar_sha256": HASH,
                }
            ),
            content=_obj({"reason": REASON}, {"salt": HASH}),
        ),
    }
)
