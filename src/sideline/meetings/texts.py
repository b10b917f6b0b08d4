"""The refusals of meetings in the reader's language, by error code.

A :class:`~sideline.meetings.errors.MeetingError` carries an English message with the
facts written in; a page shows the text below for its code instead, translated, with
the error's ``details`` filled in (see :func:`sideline.error_text.error_text`). A code
used for several refusals has one text general enough for each of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_noop

__all__ = ["REFUSALS"]

REFUSALS: Mapping[str, str] = {
    # Who may act.
    "no_organization": gettext_noop("You act for no organization; ask to be given a role."),
    "not_host": gettext_noop(
        "Only the host and co-host organizations' delegates prepare this meeting."
    ),
    "not_your_organization": gettext_noop(
        "You do not act for that organization, or it does not take part in this meeting."
    ),
    "not_focal_point": gettext_noop(
        "Only the organization's focal point or signatory manages its delegation."
    ),
    "not_participant": gettext_noop("Only participating organizations' delegates may do this."),
    "not_signatory": gettext_noop("Only a participating organization's signatory answers for it."),
    "not_proposer": gettext_noop(
        "Only the proposing organization may change or withdraw its proposal."
    ),
    "not_owner": gettext_noop("Only the owner organization's delegates update its commitment."),
    "not_parent_owner": gettext_noop("Sub-items of a commitment belong to the commitment's owner."),
    # Meetings and delegations.
    "unknown_invitation": gettext_noop("This invitation link is unknown or already used."),
    "title_required": gettext_noop("Give the meeting a title."),
    "cohost_is_host": gettext_noop("The co-host must differ from the host."),
    "already_participant": gettext_noop("That organization already takes part."),
    "agenda_item_too_long": gettext_noop("Keep each agenda item under 300 characters."),
    "agenda_item_required": gettext_noop("Give the proposed agenda item a title."),
    "agenda_full": gettext_noop("An agenda has at most 100 items."),
    "too_many_proposals": gettext_noop(
        "Your organization already has %(limit)s proposed items awaiting the hosts' answer."
    ),
    "unknown_proposal": gettext_noop("There is no such proposed agenda item in this meeting."),
    "proposal_decided": gettext_noop("The hosts have already answered this proposed item."),
    "no_previous_meeting": gettext_noop(
        "This meeting has no earlier meeting in its series whose minutes it could approve."
    ),
    "reason_too_long": gettext_noop("Keep the reason under %(limit)s characters."),
    "name_required": gettext_noop("Give the delegate's name."),
    "not_accepted": gettext_noop(
        "The delegate has not accepted the invitation yet: approve them after they do."
    ),
    "already_invited": gettext_noop("That e-mail address is already in a delegation."),
    "already_approved": gettext_noop("This is already approved."),
    "already_objected": gettext_noop(
        "Your organization already objects; withdraw first to change."
    ),
    "invalid_email": gettext_noop("That is not an e-mail address."),
    "unknown_organization": gettext_noop(
        "There is no such organization; see the list of organizations."
    ),
    "unknown_timezone": gettext_noop("That is not an IANA time zone such as Europe/Vienna."),
    "unknown_session": gettext_noop("There is no such forum session."),
    "unknown_topic": gettext_noop("There is no such security function."),
    # Minutes.
    "minutes_final": gettext_noop("The minutes are final; they can no longer change."),
    "minutes_not_draft": gettext_noop("Only draft minutes with a text can be circulated."),
    "minutes_not_circulated": gettext_noop("The minutes are not circulated for agreement."),
    "already_agreed": gettext_noop("Your organization has already agreed to this revision."),
    "minutes_not_agreed": gettext_noop("Only minutes every participant has agreed can be locked."),
    # Decisions.
    "text_required": gettext_noop("A decision needs a title and a text."),
    "amends_not_adopted": gettext_noop("Only an adopted decision of this meeting can be amended."),
    "decision_adopted": gettext_noop("The decision is adopted; its text cannot change."),
    "decision_withdrawn": gettext_noop("The decision is withdrawn; propose a new one."),
    "decision_answered": gettext_noop(
        "Organizations have answered this text; withdraw it and propose a new one."
    ),
    "unknown_position": gettext_noop("Answer with approve, object or withdraw."),
    "reason_required": gettext_noop("Say why."),
    "nothing_to_withdraw": gettext_noop("Your organization has no position to withdraw."),
    # Commitments.
    "decision_not_adopted": gettext_noop("Commitments follow from an adopted decision."),
    "target_required": gettext_noop("A commitment needs a description and a target."),
    "bad_parent": gettext_noop(
        "A sub-item belongs to a top-level commitment of the same decision."
    ),
    "review_after_due": gettext_noop("Review before the due date."),
    "commitment_closed": gettext_noop("The commitment is closed; it takes no more updates."),
    "progress_required": gettext_noop("Report a percentage or a milestone."),
    "bad_percent": gettext_noop("Give a percentage from 0 to 100."),
    "unknown_closure": gettext_noop("Close the commitment as done or dropped."),
    "unknown_milestone": gettext_noop("There is no such milestone on this commitment."),
    "bad_evidence_url": gettext_noop("Give an http or https link as evidence."),
    # Documents and text.
    "file_required": gettext_noop("Choose a file to upload."),
    "upload_empty": gettext_noop("The file is empty."),
    "upload_too_large": gettext_noop("The file is over the limit of %(limit)s bytes."),
    "upload_archive_too_large": gettext_noop(
        "The archive is too large; upload the document saved again, or as PDF."
    ),
    "upload_type": gettext_noop(
        "This type of file is not accepted; upload PDF, DOCX, ODT, TXT, PNG or JPEG."
    ),
    "upload_mismatch": gettext_noop("The file's name and its content do not agree on its type."),
    "markdown_too_long": gettext_noop(
        "The text is too long; shorten it or attach the rest as a document."
    ),
    "unsafe_markdown": gettext_noop("The text contains markup that is not allowed."),
    # Form values read by the pages.
    "invalid_date": gettext_noop("%(field)s: %(value)s is not a date; use YYYY-MM-DD."),
    "invalid_number": gettext_noop("%(field)s: %(value)s is not a number."),
    # Decision procedures, positions with words, authentic texts (issue 16).
    "unknown_procedure": gettext_noop("Choose consensus at a meeting or a silence procedure."),
    "deadline_required": gettext_noop("A silence procedure needs a deadline."),
    "timezone_required": gettext_noop(
        "Name the deadline's time zone, such as Europe/Vienna; an offset is not enough."
    ),
    "bad_deadline": gettext_noop(
        "The deadline is not a date and time that occurs once in its time zone; "
        "use YYYY-MM-DDTHH:MM."
    ),
    "deadline_past": gettext_noop("The deadline has already passed; choose a later time."),
    "deadline_passed": gettext_noop(
        "The silence procedure's deadline has passed; silence can no longer be broken "
        "nor answers given under it."
    ),
    "deadline_not_later": gettext_noop("A new deadline comes after the current one."),
    "deadline_not_allowed": gettext_noop("A decision taken at a meeting has no deadline."),
    "deadline_not_passed": gettext_noop("The deadline has not passed yet."),
    "not_silence_procedure": gettext_noop(
        "This decision is taken at a meeting, not by silence procedure."
    ),
    "silence_broken": gettext_noop(
        "Silence was broken: the decision now needs every participant's approval."
    ),
    "already_observed": gettext_noop("The organization already recorded the deadline as passed."),
    "time_required": gettext_noop("An act under a silence procedure carries its signed time."),
    "time_goes_back": gettext_noop(
        "The organization already acted on this decision at a later time."
    ),
    "paragraph_required": gettext_noop("A reservation names the paragraph it is about."),
    "paragraph_not_allowed": gettext_noop("Only a reservation names a paragraph."),
    "unknown_paragraph": gettext_noop(
        "There is no paragraph %(paragraph)s: the text has %(paragraphs)s."
    ),
    "stale_text": gettext_noop(
        "The texts changed since you read them (a language version was edited); "
        "read them again before answering."
    ),
    "text_mismatch": gettext_noop("The answer names texts other than the decision's."),
    "bad_language": gettext_noop("Give a language code such as en or ru."),
    "duplicate_language": gettext_noop("Give each language version once."),
    "paragraphs_mismatch": gettext_noop(
        "The %(language)s version has %(found)s paragraph(s), the text %(expected)s: "
        "equally authentic versions align paragraph by paragraph."
    ),
    "same_language": gettext_noop(
        "The meeting is already given in that language; choose another for a version."
    ),
    "agenda_versions_mismatch": gettext_noop(
        "The agenda has %(expected)s item(s) to translate and %(found)s were given: "
        "give each item once, one a line, in the agenda's order."
    ),
    "confirmation_required": gettext_noop(
        "Tick the box that names the organization you answer for, then sign again."
    ),
    # Two people at once.
    "conflict": gettext_noop("Someone else changed this at the same moment; reload and try again."),
}
"""Each refusal's text by code, marked for translation and translated when shown."""
