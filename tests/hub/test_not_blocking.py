"""One laptop's slow upload does not stop the hub answering the others: storing a bundle
(fsync of a blob, a PostgreSQL commit, an S3 PUT over a slow link) runs off the event loop
that every laptop's requests share."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from cmdesk.hub.app import build_app
from tests.hub.conftest import MakeHub
from tests.hub.test_mailbox import TestClient, bundle, office, register, sha, sign_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_hub_answers_while_a_bundle_is_being_stored(make_hub: MakeHub) -> None:
    state = make_hub()
    a, b = office("WVFT"), office("ECPAT")
    register(state, a)
    register(state, b)
    storing, release = threading.Event(), threading.Event()
    put = state.blobs.put

    def slow_put(digest: str, data: bytes) -> None:
        storing.set()
        release.wait(30)  # a disk or an S3 link that takes its time
        put(digest, data)

    state.blobs.put = slow_put  # type: ignore[method-assign]
    app = build_app(state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        with TestClient(app) as sync_client:  # tokens, as the laptops get them
            auth_a, auth_b = sign_in(sync_client, a.device), sign_in(sync_client, b.device)
        data = bundle(a, b)
        upload = asyncio.create_task(
            client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth_a)
        )
        while not storing.is_set():
            await asyncio.sleep(0.01)
        # While A's bundle is being written, B's laptop is answered: its mailbox, the health.
        try:
            listed = await asyncio.wait_for(client.get("/v1/mailbox", headers=auth_b), 20)
            health = await asyncio.wait_for(client.get("/health"), 20)
        finally:
            release.set()
        assert listed.json() == {"bundles": []}  # not visible before it is stored
        assert health.status_code == 200
        assert (await upload).status_code == 201
        listed = await client.get("/v1/mailbox", headers=auth_b)
        assert [e["sha256"] for e in listed.json()["bundles"]] == [sha(data)]
