"""tus 1.0 uploads to a real `cmdesk-hub` process, by tuspy (the standard client): chunked
with checksums, and resumed from the acknowledged offset after kill -9 of the hub."""

from __future__ import annotations

import base64
import io
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient

from cmdesk.core.sync.keys import DeviceKeys
from cmdesk.hub.auth import challenge_message
from tests.hub.test_client import hub_with_two_offices
from tests.hub.test_mailbox import Office, bundle, sha
from tests.network.hub_process import HubProcess

CHUNK = 64 * 1024
# tuspy can only switch certificate checks off (no pin, no CA file); the hub's certificate is
# self-signed, so urllib3 warns on every request.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def _client() -> httpx.Client:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return httpx.Client(verify=ctx)


def sign_in(hub: HubProcess, device: DeviceKeys) -> dict[str, str]:
    with _client() as http:
        got = http.post(f"{hub.url}/v1/challenge", json={"device_id": device.device_id}).json()
        message = challenge_message(got["nonce"], got["hub_id"], device.device_id)
        token = http.post(
            f"{hub.url}/v1/token",
            json={
                "device_id": device.device_id,
                "nonce": got["nonce"],
                "signature": base64.b64encode(device.sign(message)).decode(),
                "cert": device.cert.to_json(),
            },
        ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def pending(hub: HubProcess, auth: dict[str, str]) -> list[tuple[str, int]]:
    with _client() as http:
        listed = http.get(f"{hub.url}/v1/mailbox", headers=auth).json()["bundles"]
    return [(e["sha256"], e["size"]) for e in listed]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubProcess, Office, Office]]:
    running, a, b = hub_with_two_offices(HubProcess(tmp_path / "data"))
    running.start()
    try:
        yield running, a, b
    finally:
        running.stop()


def uploader(hub: HubProcess, auth: dict[str, str], data: bytes, url: str | None = None) -> object:
    client = TusClient(f"{hub.url}/v1/uploads", headers=auth)
    return client.uploader(
        file_stream=io.BytesIO(data),
        url=url,
        chunk_size=CHUNK,
        upload_checksum=True,
        verify_tls_cert=False,
    )


def test_tuspy_uploads_a_bundle_in_chunks(hub: tuple[HubProcess, Office, Office]) -> None:
    running, a, b = hub
    data = bundle(a, b, payload=os.urandom(300_000))
    up = uploader(running, sign_in(running, a.device), data)
    up.upload()  # type: ignore[attr-defined]
    assert pending(running, sign_in(running, b.device)) == [(sha(data), len(data))]


def test_kill_9_mid_upload_resumes_from_the_acknowledged_offset(
    hub: tuple[HubProcess, Office, Office],
) -> None:
    running, a, b = hub
    data = bundle(a, b, payload=os.urandom(300_000))
    up = uploader(running, sign_in(running, a.device), data)
    up.upload(stop_at=2 * CHUNK)  # type: ignore[attr-defined]
    url = up.url  # type: ignore[attr-defined]
    running.kill()
    running.start()
    # Tokens live in the hub's memory: the laptop signs in again and asks where it was.
    auth = sign_in(running, a.device)
    with _client() as http:
        head = http.head(url, headers={**auth, "Tus-Resumable": "1.0.0"})
    assert head.headers["Upload-Offset"] == str(2 * CHUNK)
    assert pending(running, sign_in(running, b.device)) == []  # not visible half-sent

    resumed = uploader(running, auth, data, url=url)
    resumed.upload()  # type: ignore[attr-defined]
    assert pending(running, sign_in(running, b.device)) == [(sha(data), len(data))]
