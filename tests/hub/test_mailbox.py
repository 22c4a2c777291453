"""The hub's API over its real embedded storage (SQLite file + blob folder): device sign-in,
uploads checked from the clear header, one listing, Range downloads, refusals."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.model.org import org_id_for
from cmdesk.core.sync import bundle_format
from cmdesk.core.sync.certs import Revocation, chain_to_json, now_text
from cmdesk.core.sync.keys import DeviceKeys, OrgKeys
from cmdesk.hub.app import DOWNLOAD_PIECE, build_app, open_hub
from cmdesk.hub.auth import challenge_message
from cmdesk.hub.limits import ADDRESS_FACTOR
from cmdesk.hub.storage import Org
from tests.hub.conftest import MakeHub

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 (not locked); its TestClient still works over httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CANARY = "ด.ญ. มะลิ canary"


@dataclass
class Office:
    org: OrgKeys
    device: DeviceKeys


def office(code: str) -> Office:
    org = OrgKeys.generate(org_id_for(code), code, code, code)
    return Office(org, DeviceKeys.generate(org, str(uuid.uuid4())))


def bundle(
    sender: Office,
    recipient: Office,
    *,
    bundle_id: str | None = None,
    payload: bytes | None = None,
    **kw: Any,
) -> bytes:
    fields: dict[str, Any] = {
        "format": bundle_format.FORMAT,
        "schema": 2,
        "app": "test",
        "bundle_id": bundle_id or str(uuid.uuid4()),
        "created_at": now_text(),
        "sender_device": sender.device.device_id,
        "sender_org": sender.org.identity.org_id,
        "cert": sender.device.cert,
        "recipient_org": recipient.org.identity.org_id,
        "vector_from": {},
        "vector_to": {sender.device.device_id: 1},
        "segments": 1,
        "operations": 1,
        **kw,
    }
    payload = payload or json.dumps({"given_name_th": CANARY}).encode()
    return bundle_format.write(fields, payload, recipient.org.identity.box_public, sender.device)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def hub(make_hub: MakeHub) -> Iterator[tuple[TestClient, Any]]:
    state = make_hub()
    with TestClient(build_app(state)) as client:
        yield client, state


def register(state: Any, who: Office) -> None:
    ident = who.org.identity
    state.meta.add_org(Org(ident.org_id, ident.code, ident.sign_public))


def sign_in(client: TestClient, device: DeviceKeys) -> dict[str, str]:
    got = client.post("/v1/challenge", json={"device_id": device.device_id}).json()
    body = {
        "device_id": device.device_id,
        "nonce": got["nonce"],
        "signature": base64.b64encode(
            device.sign(challenge_message(got["nonce"], got["hub_id"], device.device_id))
        ).decode(),
        "cert": device.cert.to_json(),
        "chain": chain_to_json(device.chain),
    }
    response = client.post("/v1/token", json=body)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def two(hub: tuple[TestClient, Any]) -> tuple[TestClient, Any, Office, Office]:
    client, state = hub
    a, b = office("WVFT"), office("ECPAT")
    register(state, a)
    register(state, b)
    return client, state, a, b


def test_a_bundle_reaches_its_recipient_whole_and_in_ranges(two: Any, tmp_path: Path) -> None:
    client, state, a, b = two
    data = bundle(a, b)
    auth_a, auth_b = sign_in(client, a.device), sign_in(client, b.device)
    put = client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth_a)
    assert put.status_code == 201
    # A lost response re-sent: the same entry, nothing twice.
    again = client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth_a)
    assert again.status_code == 200
    assert again.json()["seq"] == put.json()["seq"]

    listed = client.get("/v1/mailbox", headers=auth_b).json()["bundles"]
    assert [(e["sha256"], e["size"]) for e in listed] == [(sha(data), len(data))]
    assert client.get("/v1/mailbox", headers=auth_a).json()["bundles"] == []

    first = client.get(f"/v1/bundles/{sha(data)}", headers={**auth_b, "Range": "bytes=0-99"})
    assert first.status_code == 206
    rest = client.get(f"/v1/bundles/{sha(data)}", headers={**auth_b, "Range": "bytes=100-"})
    assert first.content + rest.content == data

    assert client.post(f"/v1/bundles/{sha(data)}/fetched", headers=auth_b).status_code == 204
    assert client.get("/v1/mailbox", headers=auth_b).json()["bundles"] == []

    held = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    stored = state.blobs.read(sha(data), 0, len(data))  # in the folder or the S3 bucket
    assert stored == data
    assert CANARY.encode() not in held + stored


def test_forged_truncated_replayed_and_misaddressed_uploads_are_refused(two: Any) -> None:
    client, _state, a, b = two
    auth = sign_in(client, a.device)

    def put(data: bytes) -> Any:
        return client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth)

    good = bundle(a, b)
    forged = bytearray(good)
    forged[-100] ^= 1
    assert put(bytes(forged)).json() == {"error": "signature"}
    assert put(good[:-10]).json() == {"error": "bundle"}
    stranger = office("NOBODY")
    assert put(bundle(a, stranger)).json() == {"error": "recipient"}
    # Another device's bundle cannot be uploaded with this token.
    other = DeviceKeys.generate(a.org, str(uuid.uuid4()))
    assert put(bundle(Office(a.org, other), b)).status_code == 403
    # A bundle id the hub already carries, in other bytes, is a replay.
    assert put(good).status_code == 201
    replay = put(bundle(a, b, bundle_id=bundle_format.parse(good).header.bundle_id))
    assert replay.status_code == 409
    # Only the one good bundle is visible.
    listed = client.get("/v1/mailbox", headers=sign_in(client, b.device)).json()["bundles"]
    assert [e["sha256"] for e in listed] == [sha(good)]


def test_unknown_revoked_and_unauthenticated_devices_are_refused(two: Any) -> None:
    client, _state, a, b = two
    assert client.get("/v1/mailbox").status_code == 401
    stranger = office("NOBODY")
    got = client.post("/v1/challenge", json={"device_id": stranger.device.device_id}).json()
    body = {
        "device_id": stranger.device.device_id,
        "nonce": got["nonce"],
        "signature": base64.b64encode(
            stranger.device.sign(challenge_message(got["nonce"], "hub-1", "x"))
        ).decode(),
        "cert": stranger.device.cert.to_json(),
    }
    assert client.post("/v1/token", json=body).json() == {"error": "organisation"}
    # The same answer again finds its challenge used up.
    assert client.post("/v1/token", json=body).json() == {"error": "challenge"}

    lost = DeviceKeys.generate(a.org, str(uuid.uuid4()))
    lost_auth = sign_in(client, lost)
    revocation = Revocation.issue(a.org.certifying_key(), a.org.identity.org_id, lost.device_id)
    news = bundle(a, b, revocations=(revocation,))
    assert (
        client.put(
            f"/v1/bundles/{sha(news)}", content=news, headers=sign_in(client, a.device)
        ).status_code
        == 201
    )
    assert client.get("/v1/mailbox", headers=lost_auth).status_code == 401
    with pytest.raises(AssertionError):
        sign_in(client, lost)


def test_tus_refuses_a_wrong_offset_and_a_wrong_checksum(two: Any) -> None:
    client, _state, a, b = two
    auth = {**sign_in(client, a.device), "Tus-Resumable": "1.0.0"}
    assert client.options("/v1/uploads").headers["Tus-Extension"] == (
        "creation,checksum,expiration"
    )
    data = bundle(a, b)
    made = client.post("/v1/uploads", headers={**auth, "Upload-Length": str(len(data))})
    assert made.status_code == 201
    url = made.headers["Location"]
    patch = {**auth, "Content-Type": "application/offset+octet-stream"}
    half = len(data) // 2
    good = base64.b64encode(hashlib.sha256(data[:half]).digest()).decode()
    bad = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    wrong = client.patch(
        url, content=data[:half], headers={**patch, "Upload-Offset": "0",
                                           "Upload-Checksum": f"sha256 {bad}"},
    )  # fmt: skip
    assert wrong.status_code == 460
    assert client.head(url, headers=auth).headers["Upload-Offset"] == "0"
    ahead = client.patch(url, content=data[:half], headers={**patch, "Upload-Offset": "5"})
    assert ahead.status_code == 409
    first = client.patch(
        url, content=data[:half], headers={**patch, "Upload-Offset": "0",
                                           "Upload-Checksum": f"sha256 {good}"},
    )  # fmt: skip
    assert first.headers["Upload-Offset"] == str(half)
    reader = sign_in(client, b.device)
    assert client.get("/v1/mailbox", headers=reader).json()["bundles"] == []
    rest = client.patch(url, content=data[half:], headers={**patch, "Upload-Offset": str(half)})
    assert rest.status_code == 204
    listed = client.get("/v1/mailbox", headers=reader).json()["bundles"]
    assert [e["sha256"] for e in listed] == [sha(data)]


def test_a_chunk_cut_mid_body_stores_nothing_and_is_no_error(
    two: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A laptop's link dropping mid-PATCH (found by benchmarks/bench_hub.py): the offset stays
    where it was acknowledged, and the hub logs a line of information, not an ERROR with a
    traceback, for what is routine on a slow uplink."""
    client, _state, a, b = two
    auth = {**sign_in(client, a.device), "Tus-Resumable": "1.0.0"}
    data = bundle(a, b)
    made = client.post("/v1/uploads", headers={**auth, "Upload-Length": str(len(data))})
    url = made.headers["Location"]
    headers = {
        **auth,
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": "0",
        "Content-Length": str(len(data)),
    }
    arriving = [
        {"type": "http.request", "body": data[:100], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return arriving.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "PATCH",
        "scheme": "https", "path": url, "raw_path": url.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 443),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    with caplog.at_level(logging.INFO, logger="cmdesk.hub"):
        asyncio.run(client.app(scope, receive, send))
    assert [r.levelno for r in caplog.records if r.name == "cmdesk.hub"] == [logging.INFO]
    assert client.head(url, headers=auth).headers["Upload-Offset"] == "0"


def test_a_large_bundle_leaves_in_pieces_as_the_link_drains(two: Any) -> None:
    """Handed to uvicorn in one piece, a large bundle counted as sent at once, and uvicorn's
    keep-alive and TLS shutdown timeouts cut the connection ~35 s later while a slow link was
    still carrying it (found by benchmarks/bench_hub.py: 15 MB at 1 Mbit/s never arrived).
    In pieces, the response ends only when its last piece is handed over."""
    client, _state, a, b = two
    data = bundle(a, b, payload=os.urandom(5 * DOWNLOAD_PIECE))
    put = client.put(f"/v1/bundles/{sha(data)}", content=data, headers=sign_in(client, a.device))
    assert put.status_code == 201
    reader = sign_in(client, b.device)
    path = f"/v1/bundles/{sha(data)}"
    bodies: list[dict[str, Any]] = []

    asked: list[int] = []

    async def receive() -> dict[str, Any]:
        asked.append(1)
        if len(asked) > 1:  # the response listens for a disconnect that never comes
            await asyncio.Event().wait()
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 206
            assert (b"content-length", str(len(data) - 10).encode()) in message["headers"]
        else:
            bodies.append(message)

    headers = {**reader, "Range": "bytes=10-"}
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 443),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    asyncio.run(client.app(scope, receive, send))
    pieces = [m["body"] for m in bodies if m["body"]]
    assert len(pieces) > 5 and max(map(len, pieces)) <= DOWNLOAD_PIECE
    assert b"".join(pieces) == data[10:]
    assert bodies[-1]["more_body"] is False


def test_oversized_requests_and_floods_are_refused(tmp_path: Path) -> None:
    from cmdesk.hub import app as hub_app

    state = open_hub(tmp_path / "data", "hub-1")
    state.limiter = hub_app.RateLimiter(per_minute=5)
    with TestClient(build_app(state)) as client:
        big = client.post("/v1/challenge", content=b"{" + b" " * (70 << 10) + b"}")
        assert big.status_code == 413
        answers = [
            client.post("/v1/challenge", json={"device_id": "d"}).status_code for _ in range(8)
        ]
        assert answers[:4] == [200] * 4
        assert answers[-1] == 429


def test_many_laptops_behind_one_address_sign_in_and_one_laptop_s_flood_is_its_own(
    tmp_path: Path,
) -> None:
    """A field office's laptops share one public address (a NAT): each laptop has its own
    allowance for signing in, the address a far wider one, so one laptop retrying in a loop
    slows only itself and a flood of made-up laptops from one address is still stopped."""
    state = open_hub(tmp_path / "data", "hub-1")
    state.set_rate(5)
    with TestClient(build_app(state)) as client:

        def challenge(device: str) -> int:
            return client.post("/v1/challenge", json={"device_id": device}).status_code

        laptops = [challenge(f"laptop-{n}") for n in range(40)]
        assert laptops == [200] * 40  # 40 laptops, 8 times one laptop's allowance
        flood = [challenge("laptop-0") for _ in range(6)]
        assert flood[-1] == 429  # laptop 0 had used one of its five
        assert challenge("laptop-1") == 200  # the others are not held up by it
        made_up = [challenge(str(uuid.uuid4())) for _ in range(5 * ADDRESS_FACTOR)]
        assert made_up[-1] == 429  # the address's allowance, used up by made-up laptops
