"""The record's tables: logs hosted here, their entries and tree nodes, checkpoints,
cosignatures, witness state, sealed (confidential) entries, and replicas of peers' logs.

A log's tree is stored tile-friendly: leaf hashes sit on the entry rows (tree level 0)
and every completed perfect subtree above them is a :class:`TreeNode`, so any hash
tile or proof is a range read. The log row keeps the right edge of the tree
(``frontier``: the hashes of ``perfect_subtrees(0, size)`` concatenated) so that an
append reads one row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sideline.registry.models import Organization


class KeyPurpose(models.TextChoices):
    LOG = "log", _("checkpoint signing")
    ENTRY = "entry", _("entry signing")
    WITNESS = "witness", _("witness cosigning")
    # X25519, not a signing key: others encrypt to it what only this organization may read.
    ENCRYPTION = "encryption", _("encryption")


class HostedOrganization(models.Model):
    """An organization this node hosts, as recorded by ``sideline init --organization``.

    Kept in the database, beside the keys and logs it governs, so that every process
    serving one database agrees on it; ``SIDELINE_ORGANIZATIONS`` overrides it, and
    without either the node hosts the whole registry (see ``sideline.node``).
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="hosted_here"
    )
    added = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["organization__slug"]
        verbose_name = _("hosted organization")
        verbose_name_plural = _("hosted organizations")

    def __str__(self) -> str:
        return self.organization.slug


class Log(models.Model):
    """An organization's append-only log, hosted on this node."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="record_log"
    )
    origin = models.CharField(_("origin"), max_length=200, unique=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    frontier = models.BinaryField(_("right edge of the tree"), default=b"")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organization__slug"]
        verbose_name = _("log")
        verbose_name_plural = _("logs")

    def __str__(self) -> str:
        return self.origin

    @property
    def slug(self) -> str:
        return self.organization.slug


class LogKey(models.Model):
    """One key of a log; rotation deactivates a key but keeps it so old signatures verify."""

    log = models.ForeignKey(Log, on_delete=models.CASCADE, related_name="keys")
    purpose = models.CharField(_("purpose"), max_length=10, choices=KeyPurpose.choices)
    name = models.CharField(_("key name"), max_length=200)
    vkey = models.CharField(_("verifier key"), max_length=300, unique=True)
    # Encrypted PKCS #8 PEM (see keystore.py); never shown or served.
    private_key = models.BinaryField(_("encrypted private key"), editable=False)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["log", "purpose", "-created", "-id"]
        verbose_name = _("log key")
        verbose_name_plural = _("log keys")

    def __str__(self) -> str:
        return self.vkey


class RecordEntry(models.Model):
    """One leaf of a log: the signed entry note and its RFC 9162 leaf hash."""

    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="entries")
    index = models.PositiveBigIntegerField(_("index"))
    leaf = models.BinaryField(_("signed entry"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=256, db_index=True)
    payload_sha256 = models.CharField(_("confidential payload SHA-256"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["log", "index"]
        constraints = [
            models.UniqueConstraint(fields=["log", "index"], name="record_entry_log_index"),
        ]
        verbose_name = _("record entry")
        verbose_name_plural = _("record entries")

    def __str__(self) -> str:
        return f"{self.log_id}#{self.index} {self.kind} {self.subject}"


class TreeNode(models.Model):
    """The hash of a completed perfect subtree of level >= 1: ``2**level`` leaves."""

    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="nodes")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "level", "index"], name="record_node_key"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id} node ({self.level}, {self.index})"


class LogCheckpoint(models.Model):
    """A checkpoint signed by the log; ``accepted`` once a quorum of witnesses cosigned it."""

    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.PositiveBigIntegerField(_("size"))
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.BinaryField(_("signed note"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["log", "-size"]
        constraints = [
            models.UniqueConstraint(fields=["log", "size"], name="record_checkpoint_log_size"),
        ]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"{self.log_id}@{self.size}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class Cosignature(models.Model):
    """One witness's ``cosignature/v1`` line on a checkpoint."""

    checkpoint = models.ForeignKey(
        LogCheckpoint, on_delete=models.CASCADE, related_name="cosignatures"
    )
    witness = models.CharField(_("witness key name"), max_length=200)
    key_id = models.PositiveBigIntegerField(_("witness key ID"))
    line = models.TextField(_("signature line"))
    timestamp = models.PositiveBigIntegerField(_("cosigned at (POSIX)"))

    class Meta:
        ordering = ["checkpoint", "witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness", "key_id"], name="record_cosignature_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint_id}"


class WitnessState(models.Model):
    """The latest checkpoint a witness (an organization of this node) cosigned, per origin."""

    witness = models.ForeignKey(Log, on_delete=models.CASCADE, related_name="witnessed")
    origin = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["witness", "origin"], name="record_witness_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.witness_id} saw {self.origin}@{self.size}"


class ConfidentialBlob(models.Model):
    """Content that nodes before sealed entries kept out of the log, which holds its
    unsalted SHA-256. Nothing writes it any more (see :class:`SealedEntry`); the rows
    stay so that such old entries can still be matched with their content."""

    sha256 = models.CharField(max_length=64, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="confidential_blobs"
    )
    content = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class SealedEntry(models.Model):
    """The inner entry of a confidential change and the key of its seal (see seal.py).

    The log holds only ``kind: confidential``, a random subject and the HMAC of
    ``content`` under ``key``; both live here, on this node alone, and are never served.
    ``kind`` and ``subject`` repeat the inner entry's for the node's own look-ups.
    """

    entry = models.OneToOneField(RecordEntry, on_delete=models.PROTECT, related_name="sealed")
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=256, db_index=True)
    content = models.BinaryField(_("inner entry"))
    key = models.BinaryField(_("seal key"), max_length=32)

    class Meta:
        verbose_name = _("sealed entry")
        verbose_name_plural = _("sealed entries")

    def __str__(self) -> str:
        return f"sealed {self.entry_id}"


class Peer(models.Model):
    """Another Sideline node whose logs this node mirrors and checks."""

    url = models.URLField(_("URL"), max_length=500, unique=True)
    last_synced = models.DateTimeField(_("last synced"), null=True, blank=True)

    def __str__(self) -> str:
        return self.url


class Replica(models.Model):
    """A mirror of one peer's log; ``trusted`` turns false for good when it forks.

    ``log_keys``, ``entry_keys`` and ``witness_keys`` are the keys approved here: pinned
    on the first sync, or approved by the operator later. Only they verify anything.
    ``pending_keys`` holds the keys the peer published at the last sync that are not
    approved, by kind (``{"entry_keys": [vkey, …]}``, empty kinds left out).
    """

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="replicas")
    organization = models.CharField(_("organization"), max_length=64)
    origin = models.CharField(_("origin"), max_length=200)
    log_keys = models.JSONField(default=list)
    entry_keys = models.JSONField(default=list)
    witness_keys = models.JSONField(default=list)
    # The X25519 encryption keys approved here, each the canonical JSON of its JWK.
    encryption_keys = models.JSONField(default=list)
    pending_keys = models.JSONField(default=dict, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    root_hash = models.BinaryField(max_length=32)
    frontier = models.BinaryField(default=b"")
    trusted = models.BooleanField(default=True)
    problem = models.TextField(blank=True)
    # Why the log was refused for its origin (``own_origin``: the origin of a log hosted
    # here; ``origin_collision``: another peer's log has it), empty otherwise.
    refused = models.CharField(max_length=32, blank=True, default="")
    # What the peer served at the last sync, and when the replica last grew: a size
    # below ``size`` is a rollback, an old ``advanced_at`` a frozen log.
    served_size = models.PositiveBigIntegerField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    advanced_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["peer", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "origin"], name="record_replica_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} @ {self.peer.url}"


class ReplicaCheckpoint(models.Model):
    """A signed checkpoint seen from a peer; ``evidence`` marks the two halves of a fork."""

    replica = models.ForeignKey(Replica, on_delete=models.CASCADE, related_name="checkpoints")
    size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    note = models.BinaryField()
    evidence = models.BooleanField(default=False)
    seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["replica", "-size", "-id"]

    def __str__(self) -> str:
        return f"{self.replica_id}@{self.size}"


class ReplicaEntry(models.Model):
    """One verified leaf of a peer's log."""

    replica = models.ForeignKey(Replica, on_delete=models.CASCADE, related_name="entries")
    index = models.PositiveBigIntegerField()
    leaf = models.BinaryField()
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["replica", "index"], name="record_replica_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.replica_id}#{self.index}"


class PeerState(models.Model):
    """How the follower fares with one peer: what it last did, and when it last worked.

    Kept apart from :class:`Peer` so that the follower's frequent writes never touch
    the row others read to learn the peer's URL.
    """

    peer = models.OneToOneField(Peer, on_delete=models.CASCADE, related_name="state")
    last_attempt = models.DateTimeField(null=True, blank=True)
    # The last pull that read every log the peer is entitled to without a failure.
    last_success = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_push_sent = models.DateTimeField(null=True, blank=True)
    last_push_received = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"state of {self.peer_id}"


class PushHint(models.Model):
    """The newest checkpoint a peer pushed for one of its logs, verified against the
    pinned log keys: only a reason to pull, never trusted for anything else. The
    signed note is kept as evidence should the peer then serve less (withholding) or
    another tree (a split view)."""

    replica = models.OneToOneField(Replica, on_delete=models.CASCADE, related_name="hint")
    size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    note = models.BinaryField()
    received = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"hint {self.replica_id}@{self.size}"


class PeerIncident(models.Model):
    """A peer's misbehaviour, with its evidence: kept for the operator and the pages.

    Transient ones (``unanswered``, ``unreadable``, ``withheld_log``) are resolved by
    the next clean pull of that log; those that signed evidence proves (``fork``,
    ``split_view``, ``rollback``, ``bad_signature``, ``not_entitled``,
    ``withheld_entries``) stay until the operator resolves them.
    """

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="incidents")
    organization = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=32)
    message = models.TextField()
    evidence = models.BinaryField(default=b"")
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    count = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "organization", "code"], name="record_incident_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.organization} @ {self.peer_id}"
