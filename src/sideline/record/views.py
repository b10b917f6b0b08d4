"""The record over HTTP: C2SP tlog-tiles and tlog-witness endpoints, and the log pages.

Tiles and checkpoints are plain Django views, not API routes: their bodies are bytes
in the formats the specifications fix, so that standard verifiers can read them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sideline.record.errors import TileError
from sideline.record.incidents import open_incidents
from sideline.record.models import Log, Replica
from sideline.record.policy import MAX_POLICY_BYTES
from sideline.record.proof import MAX_PROOF_BYTES
from sideline.record.proof_text import check_page_texts, statement_templates
from sideline.record.proving import ProofUnavailableError, cached_proof, node_policy
from sideline.record.push import PUSH_MAX_BYTES, receive_push
from sideline.record.selectors import (
    checkpoint_bytes,
    get_log,
    latest_accepted_checkpoint,
    latest_checkpoint,
    list_logs,
    quorum_for,
    tile_bytes,
)
from sideline.record.services import add_checkpoint, receive_cosignatures
from sideline.record.sync import describe_waiting_keys
from sideline.record.tiles import parse_tile_path

# Every tile is immutable, partial ones too: a partial tile's width is in its path, so the
# bytes at one URL never change (c2sp.org/tlog-tiles asks for long-lived caching).
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_WITNESS_BODY = 64 * 1024


def _log_or_404(slug: str) -> Log:
    log = get_log(slug)
    if log is None:
        raise Http404(f"no log for {slug!r} here")
    return log


@require_GET
def logs_json(request: HttpRequest) -> JsonResponse:
    """``GET /record/logs``: the logs hosted here and their verifier keys."""
    return JsonResponse(list_logs(), safe=False)


@require_GET
def checkpoint_view(request: HttpRequest, org: str) -> HttpResponse:
    """``GET /record/<org>/checkpoint``: the latest signed checkpoint and its cosignatures."""
    checkpoint = latest_checkpoint(_log_or_404(org))
    if checkpoint is None:
        raise Http404("this log has no checkpoint yet")
    response = HttpResponse(checkpoint_bytes(checkpoint), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def tile_view(request: HttpRequest, org: str, path: str) -> HttpResponse:
    """``GET /record/<org>/tile/…``: a hash tile or entry bundle, as in c2sp.org/tlog-tiles."""
    log = _log_or_404(org)
    try:
        ref = parse_tile_path(f"tile/{path}")
    except TileError as exc:
        return HttpResponse(
            f"{exc.code}: {exc.message}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    data = tile_bytes(log, ref)
    if data is None:
        raise Http404("the tile is beyond the tree")
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    return response


@csrf_exempt  # a protocol endpoint called by logs, not a browser form
@require_POST
def add_checkpoint_view(request: HttpRequest, org: str) -> HttpResponse:
    """``POST /record/<witness>/add-checkpoint``: c2sp.org/tlog-witness."""
    if len(request.body) > MAX_WITNESS_BODY:
        return HttpResponse("request too large\n", status=413, content_type="text/plain")
    answer = add_checkpoint(witness=org, body=request.body)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


@csrf_exempt  # a protocol endpoint called by other nodes, not a browser form
@require_POST
def cosignatures_view(request: HttpRequest, org: str) -> HttpResponse:
    """``POST /record/<org>/cosignatures``: another node's witness pushes its cosignatures.

    The body is a checkpoint this node issued with ``cosignature/v1`` lines appended;
    see :func:`sideline.record.services.receive_cosignatures` for the answers.
    """
    if len(request.body) > MAX_WITNESS_BODY:
        return HttpResponse("request too large\n", status=413, content_type="text/plain")
    answer = receive_cosignatures(organization=org, body=request.body)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


@require_GET
def replicas_json(request: HttpRequest) -> JsonResponse:
    """``GET /record/replicas``: the peers' logs this node holds, and how far, verified.

    Public as the logs themselves are: it says what this node has checked, so that
    anyone can compare nodes (and the multi-node tests can wait for propagation).
    """
    rows = [
        {
            "organization": replica.organization,
            "origin": replica.origin,
            "peer": replica.peer.url,
            "size": replica.size,
            "trusted": replica.trusted and not replica.refused,
        }
        for replica in Replica.objects.select_related("peer").order_by("organization", "id")
    ]
    return JsonResponse(rows, safe=False)


@csrf_exempt  # a protocol endpoint called by other nodes, not a browser form
@require_POST
def push_view(request: HttpRequest) -> HttpResponse:
    """``POST /record/push``: a peer says it has a new checkpoint (see record/push.py)."""
    if len(request.body) > PUSH_MAX_BYTES:
        return HttpResponse(
            f"too_large: a push is at most {PUSH_MAX_BYTES} bytes\n",
            status=413,
            content_type="text/plain",
        )
    answer = receive_push(request.body)
    return HttpResponse(answer.body, status=answer.status, content_type="text/plain")


def log_list(request: HttpRequest) -> HttpResponse:
    """The logs hosted here, with their latest checkpoints, and the fork alerts."""
    rows = []
    for log in Log.objects.select_related("organization"):
        rows.append(
            {
                "log": log,
                "latest": latest_checkpoint(log),
                "accepted": latest_accepted_checkpoint(log),
            }
        )
    forks = Replica.objects.filter(trusted=False).select_related("peer")
    context = {
        "rows": rows,
        "forks": forks,
        "waiting": _waiting(Replica.objects.all()),
        "incidents": open_incidents()[:100],
    }
    return render(request, "record/log_list.html", context)


def _waiting(replicas: QuerySet[Replica]) -> list[dict[str, Any]]:
    """Return the replicas whose peer published keys an operator has not approved yet,
    each with those keys named as `record sync` and `record status` name them."""
    return [
        {"replica": replica, "keys": describe_waiting_keys(replica)}
        for replica in replicas.exclude(pending_keys={}).select_related("peer")
    ]


def log_detail(request: HttpRequest, org: str) -> HttpResponse:
    """One log: recent entries, its witnesses' cosignatures, and any fork alert."""
    log = _log_or_404(org)
    latest = latest_checkpoint(log)
    context = {
        "log": log,
        "entries": log.entries.order_by("-index")[:50],
        "latest": latest,
        "accepted": latest_accepted_checkpoint(log),
        "cosignatures": list(latest.cosignatures.all()) if latest else [],
        "quorum": quorum_for(log),
        "forks": Replica.objects.filter(trusted=False, organization=log.slug).select_related(
            "peer"
        ),
        "waiting": _waiting(Replica.objects.filter(organization=log.slug)),
        "incidents": open_incidents().filter(organization=log.slug)[:100],
    }
    return render(request, "record/log_detail.html", context)


@require_GET
def proof_view(request: HttpRequest, object_id: str) -> HttpResponse:
    """``GET /record/proof/<org>/<name>``: the proof file of an object's public operations."""
    try:
        data = cached_proof(object_id)
    except ProofUnavailableError as error:
        status = 409 if error.code == "not_checkpointed" else 404
        return HttpResponse(f"{error.message}\n", status=status, content_type="text/plain")
    response = HttpResponse(data, content_type="application/json")
    filename = object_id.replace("/", "-") + ".sideline-proof.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def policy_view(request: HttpRequest) -> HttpResponse:
    """``GET /record/policy``: a C2SP tlog-policy of the logs and witnesses this node trusts."""
    response = HttpResponse(node_policy(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sideline.tlog-policy"'
    return response


@require_GET
def check_proof_page(request: HttpRequest) -> HttpResponse:
    """``GET /record/check-proof``: check a proof file in the browser, nothing sent back."""
    languages = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            languages[code] = statement_templates() | check_page_texts()
    return render(
        request,
        "record/check_proof.html",
        {
            "statements": languages,
            "limits": {"proof": MAX_PROOF_BYTES, "policy": MAX_POLICY_BYTES},
        },
    )
