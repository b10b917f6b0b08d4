"""Read-only admin views of the record: rows of an append-only log are never edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sideline.record.models import Log, LogCheckpoint, LogKey, RecordEntry, Replica


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Log)
class LogAdmin(ReadOnlyAdmin):
    list_display = ["origin", "size", "created"]
    exclude = ["frontier", "root_hash"]


@admin.register(LogKey)
class LogKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "purpose", "active", "created"]
    list_filter = ["purpose", "active"]
    # The encrypted private key is not editable and never shown.
    fields = ["log", "purpose", "name", "vkey", "active", "created"]
    readonly_fields = ["log", "purpose", "name", "vkey", "active", "created"]


@admin.register(RecordEntry)
class RecordEntryAdmin(ReadOnlyAdmin):
    list_display = ["log", "index", "kind", "subject", "created"]
    list_filter = ["log", "kind"]
    search_fields = ["subject"]
    exclude = ["leaf", "leaf_hash"]


@admin.register(LogCheckpoint)
class LogCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["log", "size", "created", "accepted_at"]
    exclude = ["note", "root_hash"]


@admin.register(Replica)
class ReplicaAdmin(ReadOnlyAdmin):
    list_display = ["origin", "peer", "size", "trusted", "problem"]
    list_filter = ["trusted"]
    exclude = ["frontier", "root_hash"]
