"""Use case: a participant adds a document to a meeting.

The file stays on the uploading node; the op carries its SHA-256, size, media type,
title and file name, so that every participant can check a copy it receives.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.files.base import ContentFile

from sideline.meetings.models import Document, Meeting
from sideline.meetings.services._common import (
    Actor,
    lock,
    record_op,
    refusals_logged,
    require_participant,
    role_claim,
)
from sideline.meetings.uploads import check_upload

__all__ = ["upload_document"]


@refusals_logged("document.upload")
def upload_document(
    *, actor: Actor, meeting: Meeting, title: str, filename: str, content: bytes
) -> Document:
    """Store a checked file; participants' delegates upload."""
    meeting = lock(meeting.pk)
    org = require_participant(
        actor,
        meeting,
        code="not_participant",
        message="only participating organizations' delegates upload documents",
    )
    media_type = check_upload(filename=filename, content=content)
    digest = hashlib.sha256(content).hexdigest()
    document = Document(
        meeting=meeting,
        organization=org,
        title=(title.strip() or filename)[:300],
        filename=filename[-255:],
        uid=secrets.token_hex(16),
        media_type=media_type,
        size=len(content),
        sha256=digest,
    )
    document.file.save("upload", ContentFile(content), save=False)
    # A failure below must not leave the file behind.
    name = str(document.file.name)
    storage = document.file.storage
    try:
        document.save()
        assert meeting.op_id is not None
        record_op(
            meeting=meeting,
            organization=org,
            kind="document.add",
            object_id=meeting.op_id,
            role=role_claim(actor),
            args={
                "document": document.uid,
                "sha256": digest,
                "size": len(content),
                # The op names the type without parameters (charset): six types only.
                "media_type": media_type.split(";")[0].strip(),
            },
            clear={"title": document.title, "filename": document.filename},
            summary=f"document uploaded: {document.title}",
        )
    except BaseException:
        storage.delete(name)
        raise
    return document
