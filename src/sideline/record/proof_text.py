"""What a checked proof file proves, in one sentence per language.

The words come from the translation catalogue; :func:`statement_templates` gives the same
templates to the browser's checker page, so that the command line and the page say the
same thing.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from sideline.record.proof import ProofFacts, ProvedOp

__all__ = ["check_page_texts", "proof_sentences", "statement_templates"]


def statement_templates() -> dict[str, str]:
    """The sentence and act templates in the active language (``%(name)s`` placeholders)."""
    return {
        "sentence": gettext(
            "The logs of %(logs)s, each checkpoint signed by its log's key in the policy and "
            "cosigned to the policy's quorum, hold these operations on %(object)s%(title)s: "
            "%(acts)s."
        ),
        "title": gettext(" “%(title)s”"),
        "and": gettext(" and "),
        "decision.propose": gettext("%(org)s proposed it"),
        "decision.edit": gettext("%(org)s changed its text"),
        "decision.withdraw": gettext("%(org)s withdrew it"),
        "approve": gettext("%(org)s approved"),
        "object": gettext("%(org)s objected"),
        "withdraw": gettext("%(org)s withdrew its position"),
        "position": gettext("%(org)s answered “%(position)s”"),
        "other": gettext("%(org)s: %(kind)s"),
    }


def check_page_texts() -> dict[str, str]:
    """The checker page's outcomes and refusals in the active language, by error code.

    The codes are those of :mod:`sideline.record.proof`; the page fills ``%(name)s``.
    """
    return {
        "valid": gettext("The proof holds."),
        "invalid": gettext("The proof does not hold."),
        "choose_files": gettext("Choose a proof file and a policy file."),
        "no_webcrypto": gettext(
            "This browser has no WebCrypto here (it needs a secure context: https or localhost)."
        ),
        "failed": gettext("The check failed: %(error)s."),
        "error_proof_too_large": gettext("The file is larger than %(limit)s bytes, the limit."),
        "error_bad_proof_file": gettext(
            "The file is not a complete proof file (truncated or altered?)."
        ),
        "error_unsupported_version": gettext(
            "Proof %(where)s: the version “%(found)s” is not one this page reads."
        ),
        "error_bad_tlog_proof": gettext("Proof %(where)s is malformed: %(what)s."),
        "error_unknown_log": gettext(
            "Proof %(where)s: its checkpoint is from the log %(origin)s, which the policy does "
            "not list."
        ),
        "error_unknown_key": gettext(
            "Proof %(where)s: its checkpoint is not signed by a key the policy lists for %(origin)s."
        ),
        "error_bad_checkpoint": gettext(
            "Proof %(where)s: its checkpoint is malformed or its log signature does not verify "
            "(altered?)."
        ),
        "error_bad_cosignature": gettext(
            "Proof %(where)s: the cosignature of the witness %(witness)s does not verify "
            "(altered checkpoint?)."
        ),
        "error_quorum_not_met": gettext(
            "Proof %(where)s: cosigned by %(witnesses)s, below the policy's quorum."
        ),
        "error_not_included": gettext(
            "Proof %(where)s: the entry is not included at index %(index)s of %(origin)s (the "
            "entry or the proof was altered)."
        ),
        "error_bad_entry": gettext("Proof %(where)s: the entry is not a Sideline operation."),
        "error_wrong_log": gettext(
            "Proof %(where)s: the entry is not of the organization whose log %(origin)s holds it."
        ),
        "error_wrong_object": gettext("Proof %(where)s is about %(found)s, not %(expected)s."),
        "error_wrong_decision": gettext("The file proves %(found)s, not %(expected)s as asked."),
        "error_duplicate_proof": gettext("Proof %(where)s repeats an entry."),
        "error_bad_policy": gettext("The policy file, line %(line)s: %(what)s."),
    }


def _act(op: ProvedOp, words: dict[str, str]) -> str:
    org = op.organization.upper()
    if op.kind == "decision.respond":
        position = str(op.args.get("position", ""))
        if position in ("approve", "object", "withdraw"):
            return words[position] % {"org": org}
        return words["position"] % {"org": org, "position": position}
    if op.kind in words and op.kind.startswith("decision."):
        return words[op.kind] % {"org": org}
    # Kinds this version does not name (added later) are shown as they are.
    return words["other"] % {"org": org, "kind": op.kind}


def _joined(names: list[str], words: dict[str, str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + words["and"] + names[-1]


def proof_sentences(facts: ProofFacts) -> dict[str, str]:
    """Return, by language code, the one sentence saying what ``facts`` prove."""
    sentences = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words = statement_templates()
        title = facts.title
        sentences[code] = words["sentence"] % {
            "logs": _joined([org.upper() for org in facts.organizations], words),
            "object": facts.object,
            "title": words["title"] % {"title": title} if title else "",
            "acts": "; ".join(_act(op, words) for op in facts.ops),
        }
    return sentences
