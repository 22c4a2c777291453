"""The hub's HTTP API (Starlette). The OpenAPI description (openapi.py) is kept beside the
routes and served at /openapi.json.

Logs carry bundle ids, sizes and organisation codes only: never a header's certificate, never
a byte of a body."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from cmdesk.core.errors import BundleRejected
from cmdesk.core.sync import bundle_format
from cmdesk.core.sync.certs import DeviceCert, Link, chain_from_json, team_of
from cmdesk.core.sync.keycodec import unb64
from cmdesk.hub import tus
from cmdesk.hub.auth import TOKEN_SECONDS, Authority, AuthRefused, Session
from cmdesk.hub.limits import ADDRESS_FACTOR, RATE_PER_MINUTE, Limits
from cmdesk.hub.openapi import SPEC
from cmdesk.hub.storage import BlobStore, Entry, MetadataStore

log = logging.getLogger("cmdesk.hub")

MAX_JSON = 64 << 10
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
DOWNLOAD_PIECE = 64 << 10

Handler = Callable[[Request], Awaitable[Response]]


def _error(status: int, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status, headers=headers)


class TooLarge(Exception):
    pass


# A sign-in step's own fields, besides the device id (Hub._sign_in_request).
_Fields = TypeVar("_Fields")


def _challenge_fields(doc: dict[str, Any]) -> tuple[str, None]:
    device_id = doc["device_id"]
    if not isinstance(device_id, str) or not 0 < len(device_id) <= 36:
        raise ValueError("device_id")
    return device_id, None


def _token_fields(
    doc: dict[str, Any],
) -> tuple[str, tuple[str, bytes, DeviceCert, tuple[Link, ...]]]:
    device_id, nonce = doc["device_id"], doc["nonce"]
    if not isinstance(device_id, str) or not isinstance(nonce, str):
        raise ValueError("fields")
    signature = unb64(doc["signature"], 64)
    cert = DeviceCert.from_json(doc["cert"])
    return device_id, (nonce, signature, cert, chain_from_json(doc.get("chain", [])))


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class RateLimiter:
    """A token bucket per caller (device, or address before it has a token)."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        return self.wait(key) == 0

    def wait(self, key: str) -> int:
        """0 and one request counted, or the whole seconds until the next is allowed."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return max(1, math.ceil((1 - tokens) / self.rate))
            self._buckets[key] = (tokens - 1, now)
            return 0


class Hub:
    def __init__(
        self,
        meta: MetadataStore,
        blobs: BlobStore,
        staging: tus.Staging,
        hub_id: str,
        rate: int = RATE_PER_MINUTE,
        limits: Limits | None = None,
        secret: bytes | None = None,
    ) -> None:
        self.meta = meta
        self.blobs = blobs
        self.hub_id = hub_id
        self.auth = Authority(meta, hub_id, secret)
        self.staging = staging
        self.set_rate(rate)
        self.metrics: Counter[str] = Counter()
        self.devices: set[str] = set()
        self.limits = limits or Limits()

    def set_rate(self, per_minute: int) -> None:
        """Requests a minute per laptop; signing in, ADDRESS_FACTOR times as many per address."""
        self.limiter = RateLimiter(per_minute)
        self.address_limiter = RateLimiter(per_minute * ADDRESS_FACTOR)

    # -- helpers -------------------------------------------------------------------------------

    def _caller(self, request: Request) -> Session | None:
        value = request.headers.get("authorization", "")
        if not value.startswith("Bearer "):
            return None
        return self.auth.session(value[7:].strip())

    def _limited(self, key: str, limiter: RateLimiter | None = None) -> JSONResponse | None:
        wait = (limiter or self.limiter).wait(key)
        if wait == 0:
            return None
        self.metrics["rate_limited"] += 1
        # When the next request will be let through: the laptop's client waits that long.
        return _error(429, "rate", {"Retry-After": str(wait)})

    async def _json(self, request: Request) -> dict[str, Any]:
        raw = await _body(request, MAX_JSON)
        doc = json.loads(raw)
        if not isinstance(doc, dict):
            raise ValueError("object")
        return doc

    def _authed(self, request: Request) -> Session | JSONResponse:
        session = self._caller(request)
        if session is None:
            return _error(401, "token", {"WWW-Authenticate": "Bearer"})
        return self._limited(session.device_id) or session

    # -- routes --------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "hub_id": self.hub_id})

    async def metrics_text(self, request: Request) -> Response:
        lines = []
        for name in (
            "bundles_in",
            "bundles_out",
            "bytes_in",
            "bytes_out",
            "errors",
            "over_quota",
            "rate_limited",
            "bundles_expired",
            "bytes_expired",
        ):
            lines.append(f"# TYPE cmdesk_hub_{name}_total counter")
            lines.append(f"cmdesk_hub_{name}_total {self.metrics[name]}")
        lines.append("# TYPE cmdesk_hub_active_devices gauge")
        lines.append(f"cmdesk_hub_active_devices {len(self.devices)}")
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(SPEC)

    async def _sign_in_request(
        self, request: Request, read: Callable[[dict[str, Any]], tuple[str, _Fields]]
    ) -> tuple[str, _Fields] | Response:
        """What both steps of signing in check before their own work, in this order: the
        caller's address within its rate, the body as `read` takes it (the device id and the
        step's other fields; it raises on a field missing or of the wrong kind), and that
        device within its sign-in rate."""
        host = request.client.host if request.client else "?"
        if limited := self._limited(f"ip:{host}", self.address_limiter):
            return limited
        try:
            device_id, fields = read(await self._json(request))
        except TooLarge:
            return _error(413, "size")
        except (ValueError, KeyError, TypeError, AttributeError):
            return _error(400, "request")
        if limited := self._limited(f"sign-in:{device_id}"):
            return limited
        return device_id, fields

    async def challenge(self, request: Request) -> Response:
        got = await self._sign_in_request(request, _challenge_fields)
        if isinstance(got, Response):
            return got
        device_id, _ = got
        nonce = self.auth.challenge(device_id)
        return JSONResponse({"nonce": nonce, "hub_id": self.hub_id})

    async def token(self, request: Request) -> Response:
        got = await self._sign_in_request(request, _token_fields)
        if isinstance(got, Response):
            return got
        device_id, (nonce, signature, cert, chain) = got
        return await run_in_threadpool(self._token, device_id, nonce, signature, cert, chain)

    def _token(
        self,
        device_id: str,
        nonce: str,
        signature: bytes,
        cert: DeviceCert,
        chain: tuple[Link, ...],
    ) -> Response:
        try:
            token, session = self.auth.token(device_id, nonce, signature, cert, chain)
        except AuthRefused as exc:
            self.metrics["errors"] += 1
            log.info("token refused: %s", exc.reason)
            return _error(403, exc.reason)
        self.devices.add(session.device_id)
        self.meta.seen_device(session.org_id, session.device_id, scoped=team_of(chain) is not None)
        return JSONResponse({"token": token, "expires_in": TOKEN_SECONDS})

    async def put_bundle(self, request: Request) -> Response:
        session = await run_in_threadpool(self._authed, request)
        if isinstance(session, JSONResponse):
            return session
        sha = request.path_params["sha256"]
        if not SHA_RE.match(sha):
            return _error(400, "sha256")
        try:
            data = await _body(request, self.limits.bundle_bytes)
        except TooLarge:
            return self._too_large()
        return await run_in_threadpool(self._hashed_accept, sha, data, session)

    def _hashed_accept(self, sha: str, data: bytes, session: Session) -> Response:
        if hashlib.sha256(data).hexdigest() != sha:
            return self._refuse("digest", 422)
        return self._accept(sha, data, session)

    def _accept(self, sha: str, data: bytes, session: Session) -> JSONResponse:
        known = self.meta.entry(sha)
        if known is not None:
            if known.sender_device != session.device_id:
                return self._refuse("replayed", 409)
            # Idempotent: a re-sent upload (a lost response) finds its entry.
            return JSONResponse(_entry_json(known), status_code=200)
        checked = self._check(data, session)
        if isinstance(checked, JSONResponse):
            return checked
        header = checked
        if self.meta.entry_by_bundle(header.bundle_id) is not None:
            return self._refuse("replayed", 409)
        if over := self._over_quota(session, len(data)):
            return over
        self.blobs.put(sha, data)
        entry = self.meta.publish(
            Entry(
                0,
                sha,
                header.bundle_id,
                len(data),
                header.sender_org,
                header.sender_device,
                header.recipient_org,
                header.recipient_device,
            )
        )
        self.metrics["bundles_in"] += 1
        self.metrics["bytes_in"] += len(data)
        log.info(
            "bundle %s in: %d bytes for %s",
            header.bundle_id,
            len(data),
            self._code(header.recipient_org),
        )
        return JSONResponse(_entry_json(entry), status_code=201)

    def _over_quota(self, session: Session, size: int) -> JSONResponse | None:
        limits = self.limits
        if (
            self.meta.held_bytes(device_id=session.device_id) + size > limits.device_bytes
            or self.meta.held_bytes(org_id=session.org_id) + size > limits.org_bytes
        ):
            self.metrics["over_quota"] += 1
            return self._refuse("quota", 507)
        return None

    def close(self) -> None:
        self.meta.close()

    def prune(self, now: float | None = None) -> tuple[int, int]:
        """Drops the bundles every laptop of their recipient has fetched, and those past the
        recipient's retention: (bundles, bytes)."""
        count = size = 0
        when = time.time() if now is None else now
        for sha in self.meta.expirable(when, self.limits.retention_days):
            entry = self.meta.entry(sha)
            self.meta.remove(sha)  # first: a listed bundle always has its blob
            self.blobs.delete(sha)
            count += 1
            size += entry.size if entry else 0
        self.metrics["bundles_expired"] += count
        self.metrics["bytes_expired"] += size
        self.staging.expire(when)  # uploads a laptop never finished
        if count:
            log.info("expired %d bundles, %d bytes", count, size)
        return count, size

    def _code(self, org_id: str) -> str:
        org = self.meta.org(org_id)
        return org.code if org else "?"

    def _too_large(self) -> JSONResponse:
        """A bundle above the operator's limit: the laptop says what the limit is and keeps
        the bundle for a USB stick."""
        self.metrics["errors"] += 1
        return JSONResponse({"error": "size", "max": self.limits.bundle_bytes}, status_code=413)

    def _refuse(self, reason: str, status: int = 422) -> JSONResponse:
        self.metrics["errors"] += 1
        log.info("upload refused: %s", reason)
        return _error(status, reason)

    def _check(self, data: bytes, session: Session) -> bundle_format.Header | JSONResponse:
        """The clear header only: structure, sender = the authenticated device, the sender's
        chain from its registered organisation key, the signature, a registered recipient."""
        try:
            parsed = bundle_format.parse(data)
        except BundleRejected:
            return self._refuse("bundle")
        header = parsed.header
        if header.sender_device != session.device_id or header.sender_org != session.org_id:
            return self._refuse("sender", 403)
        sender = self.meta.org(header.sender_org)
        if sender is None:
            return self._refuse("sender", 403)
        self._learn_revocations(header)
        try:
            bundle_format.verify_sender(
                parsed, sender.sign_public, self.meta.revoked(sender.org_id)
            )
        except BundleRejected:
            return self._refuse("signature")
        if self.meta.org(header.recipient_org) is None:
            return self._refuse("recipient")
        return header

    def _learn_revocations(self, header: bundle_format.Header) -> None:
        for revocation in header.revocations:
            org = self.meta.org(revocation.org_id)
            if org is not None and revocation.signed_by(org.sign_public):
                self.meta.add_revocation(org.org_id, revocation.subject)

    def mailbox(self, request: Request) -> Response:
        session = self._authed(request)
        if isinstance(session, JSONResponse):
            return session
        after_text = request.query_params.get("after", "0")
        if not after_text.isdigit() or len(after_text) > 18:
            return _error(400, "after")
        entries = self.meta.pending(session.org_id, session.device_id, int(after_text))
        return JSONResponse({"bundles": [_entry_json(e) for e in entries]})

    def _readable(self, request: Request) -> tuple[Session, Entry] | JSONResponse:
        """The signed-in device and the bundle the path names, if its organisation sent or
        receives it (otherwise, as for a bundle that does not exist: 404)."""
        session = self._authed(request)
        if isinstance(session, JSONResponse):
            return session
        sha = request.path_params["sha256"]
        entry = self.meta.entry(sha) if SHA_RE.match(sha) else None
        if entry is None or session.org_id not in (entry.recipient_org, entry.sender_org):
            return _error(404, "bundle")
        # A bundle sealed to one laptop: for it (and the laptop that sent it) only.
        if entry.recipient_device and session.device_id not in (
            entry.recipient_device,
            entry.sender_device,
        ):
            return _error(404, "bundle")
        return session, entry

    def get_bundle(self, request: Request) -> Response:
        found = self._readable(request)
        if isinstance(found, JSONResponse):
            return found
        _session, entry = found
        size = entry.size
        start, end, status = 0, size, 200
        headers = {"Accept-Ranges": "bytes", "ETag": f'"{entry.sha256}"'}
        wanted = request.headers.get("range")
        if wanted:
            match = re.fullmatch(r"bytes=(\d{1,18})-(\d{0,18})", wanted.strip())
            if not match or int(match.group(1)) >= size:
                return _error(416, "range", {"Content-Range": f"bytes */{size}"})
            start = int(match.group(1))
            end = min(size, int(match.group(2)) + 1) if match.group(2) else size
            if end <= start:
                return _error(416, "range", {"Content-Range": f"bytes */{size}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        self.metrics["bytes_out"] += end - start
        if end == size:
            self.metrics["bundles_out"] += 1
        headers["Content-Length"] = str(end - start)
        return StreamingResponse(
            self._pieces(entry.sha256, start, end),
            status,
            headers,
            media_type="application/octet-stream",
        )

    def _pieces(self, sha: str, start: int, end: int) -> Iterator[bytes]:
        """The blob in pieces, each handed to the server only when the previous ones have
        mostly left (uvicorn waits for its write buffer to drain). Handed over whole, a large
        bundle counts as sent at once: uvicorn's keep-alive timer (5 s) then closes the
        connection and the TLS shutdown timeout (30 s) cuts what a slow link had not yet
        carried (a 15 MB bundle at 1 Mbit/s, found by benchmarks/bench_hub.py). Also keeps
        one piece, not the bundle, in memory. Starlette runs this in a worker thread."""
        for at in range(start, end, DOWNLOAD_PIECE):
            yield self.blobs.read(sha, at, min(end, at + DOWNLOAD_PIECE))

    async def bundle(self, request: Request) -> Response:
        if request.method == "PUT":
            return await self.put_bundle(request)
        return await run_in_threadpool(self.get_bundle, request)

    # -- tus 1.0 ------------------------------------------------------------------------------

    def _tus(self, status: int, extra: dict[str, str] | None = None) -> Response:
        headers = {"Tus-Resumable": tus.VERSION, "Cache-Control": "no-store", **(extra or {})}
        return Response(status_code=status, headers=headers)

    def tus_create(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return self._tus(
                204,
                {
                    "Tus-Version": tus.VERSION,
                    "Tus-Extension": tus.EXTENSIONS,
                    "Tus-Max-Size": str(self.limits.bundle_bytes),
                    "Tus-Checksum-Algorithm": ",".join(tus.ALGORITHMS),
                },
            )
        session = self._authed(request)
        if isinstance(session, JSONResponse):
            return session
        length = request.headers.get("upload-length", "")
        if not length.isdigit() or len(length) > 12:
            return _error(400, "length")
        if int(length) > self.limits.bundle_bytes:
            return self._too_large()
        # Before a byte is sent: a 2G link must not carry a bundle the hub cannot keep.
        if over := self._over_quota(session, int(length)):
            return over
        upload = self.staging.create(session.device_id, session.org_id, int(length))
        location = f"{request.url.path.rstrip('/')}/{upload.upload_id}"
        return self._tus(201, {"Location": location, "Upload-Expires": upload.expires_header()})

    async def tus_upload(self, request: Request) -> Response:
        found = await run_in_threadpool(self._tus_state, request)
        if isinstance(found, Response):
            return found
        session, upload, offset, state = found
        try:
            chunk = await _body(request, min(tus.MAX_CHUNK, upload.length - offset))
        except TooLarge:
            return self._tus(413, state)
        return await run_in_threadpool(
            self._tus_append, request, session, upload, offset, state, chunk
        )

    def _tus_state(
        self, request: Request
    ) -> Response | tuple[Session, tus.Upload, int, dict[str, str]]:
        """The upload a PATCH may add to, with its state headers; or the answer already."""
        session = self._authed(request)
        if isinstance(session, JSONResponse):
            return session
        upload = self.staging.get(request.path_params["upload_id"])
        if upload is None or upload.device_id != session.device_id:
            return self._tus(404)
        if request.method == "DELETE":
            self.staging.drop(upload.upload_id)
            return self._tus(204)
        offset = self.staging.offset(upload.upload_id)
        state = {
            "Upload-Offset": str(offset),
            "Upload-Length": str(upload.length),
            "Upload-Expires": upload.expires_header(),
        }
        if request.method == "HEAD":
            return self._tus(200, state)
        if request.headers.get("content-type") != "application/offset+octet-stream":
            return self._tus(415)
        if request.headers.get("upload-offset") != str(offset):
            return self._tus(409, state)
        return session, upload, offset, state

    def _tus_append(
        self,
        request: Request,
        session: Session,
        upload: tus.Upload,
        offset: int,
        state: dict[str, str],
        chunk: bytes,
    ) -> Response:
        ok = tus.checksum_ok(request.headers.get("upload-checksum"), chunk)
        if ok is None:
            return self._tus(400, state)
        if not ok:
            return self._tus(460, state)
        offset = self.staging.append(upload.upload_id, offset, chunk)
        state["Upload-Offset"] = str(offset)
        if offset < upload.length:
            return self._tus(204, state)
        data = self.staging.read(upload.upload_id)
        self.staging.drop(upload.upload_id)
        accepted = self._accept(hashlib.sha256(data).hexdigest(), data, session)
        if accepted.status_code not in (200, 201):
            # The bytes arrived whole but are not a bundle this hub carries.
            return accepted
        return self._tus(204, state)

    def fetched(self, request: Request) -> Response:
        found = self._readable(request)
        if isinstance(found, JSONResponse):
            return found
        session, entry = found
        self.meta.mark_fetched(entry.sha256, session.device_id)
        return Response(status_code=204)


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "sha256": entry.sha256,
        "bundle_id": entry.bundle_id,
        "size": entry.size,
        "sender_org": entry.sender_org,
    }


async def _disconnected(request: Request, exc: Exception) -> Response:
    """A laptop's link dropped mid-request (a cut upload is routine on a slow uplink; the
    client resumes from the acknowledged offset): a line of information, not an error with a
    traceback. Nothing was stored; the response goes nowhere."""
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=400)


def build_app(hub: Hub) -> Starlette:
    routes = [
        Route("/health", hub.health, methods=["GET"]),
        Route("/metrics", hub.metrics_text, methods=["GET"]),
        Route("/openapi.json", hub.openapi, methods=["GET"]),
        Route("/v1/challenge", hub.challenge, methods=["POST"]),
        Route("/v1/token", hub.token, methods=["POST"]),
        Route("/v1/mailbox", hub.mailbox, methods=["GET"]),
        # One route for both methods, so a 405's Allow header names both.
        Route("/v1/bundles/{sha256}", hub.bundle, methods=["GET", "PUT"]),
        Route("/v1/bundles/{sha256}/fetched", hub.fetched, methods=["POST"]),
        Route("/v1/uploads", hub.tus_create, methods=["POST", "OPTIONS"]),
        Route("/v1/uploads/{upload_id}", hub.tus_upload, methods=["HEAD", "PATCH", "DELETE"]),
    ]
    return Starlette(routes=routes, exception_handlers={ClientDisconnect: _disconnected})


def open_hub(
    data: Path,
    hub_id: str,
    limits: Limits | None = None,
    *,
    db: str | None = None,
    store: str | None = None,
    s3_endpoint: str | None = None,
) -> Hub:
    """The embedded hub (SQLite and a folder in `data`), or its metadata in PostgreSQL (`db`)
    and its blobs in an S3 bucket (`store`, s3://BUCKET[/PREFIX]), resumable uploads then in
    the database too. `data` keeps what every process of one hub shares: its id, secret and
    certificate (copied to each machine), and the embedded hub's files."""
    from cmdesk.hub.storage import FolderBlobs, SqliteMetadata, SqlStaging

    data.mkdir(parents=True, exist_ok=True)
    meta: MetadataStore
    blobs: BlobStore
    staging: tus.Staging
    if db:
        from cmdesk.hub.storage_scale import PostgresMetadata

        meta = PostgresMetadata(db)
        # Uploads in the shared database: the next chunk may reach another machine's process.
        staging = SqlStaging(meta)
    else:
        meta = SqliteMetadata(data / "hub.sqlite")
        staging = tus.FolderStaging(data / "uploads")
    if store:
        from cmdesk.hub.storage_scale import S3Blobs

        blobs = S3Blobs(store, s3_endpoint)
    else:
        blobs = FolderBlobs(data / "blobs")
    return Hub(
        meta,
        blobs,
        staging,
        hub_id,
        limits=limits,
        secret=hub_secret(data),
    )


def hub_secret(data: Path) -> bytes:
    """The key of the hub's challenges and tokens, made on first use, readable by its owner
    only; every process of one hub reads the same one."""
    path = data / "hub-secret"
    if not path.exists():
        tmp = path.with_name(f".hub-secret.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # the first process wins; the others read its secret
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


def prune_every(hub: Hub, seconds: float, stop: threading.Event) -> threading.Thread:
    """Expires delivered and old bundles in the background while the hub serves."""

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                hub.prune()
            except Exception:  # a failed sweep is retried next time; serving goes on
                log.exception("expiry sweep failed")

    thread = threading.Thread(target=loop, name="hub-expiry", daemon=True)
    thread.start()
    return thread
