"""At network scale, hub processes on different machines share the database and the bucket,
not a folder: an upload begun through one process is continued and finished through another
(a load balancer sends each chunk wherever it likes), and nothing is left when it is
abandoned."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from cmdesk.hub.app import build_app, open_hub
from cmdesk.hub.tus import EXPIRE_SECONDS, VERSION
from tests.hub.test_mailbox import TestClient, bundle, office, register, sha, sign_in


def _tus(auth: dict[str, str], **extra: str) -> dict[str, str]:
    return {**auth, "Tus-Resumable": VERSION, **extra}


@pytest.mark.parametrize("deployment", ["postgres+s3"], indirect=True)
def test_an_upload_begun_on_one_hub_process_is_finished_on_another(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    one = open_hub(tmp_path / "one", "hub-1", **deployment)
    # The other machine has the hub's id, secret and certificate copied, nothing else.
    (tmp_path / "two").mkdir()
    shutil.copy(tmp_path / "one" / "hub-secret", tmp_path / "two" / "hub-secret")
    two = open_hub(tmp_path / "two", "hub-1", **deployment)
    a, b = office("WVFT"), office("ECPAT")
    register(one, a)
    register(one, b)
    data = bundle(a, b, payload=os.urandom(300_000))
    half = len(data) // 2
    chunk = {"Content-Type": "application/offset+octet-stream"}
    try:
        with TestClient(build_app(one)) as c1, TestClient(build_app(two)) as c2:
            auth_a = sign_in(c1, a.device)
            created = c1.post(
                "/v1/uploads", headers=_tus(auth_a, **{"Upload-Length": str(len(data))})
            )
            assert created.status_code == 201
            where = created.headers["Location"]
            first = c1.patch(
                where, content=data[:half], headers=_tus(auth_a, **chunk, **{"Upload-Offset": "0"})
            )
            assert first.headers["Upload-Offset"] == str(half)
            # The other process knows how far the upload got, and takes the rest.
            assert c2.head(where, headers=_tus(auth_a)).headers["Upload-Offset"] == str(half)
            rest = c2.patch(
                where,
                content=data[half:],
                headers=_tus(auth_a, **chunk, **{"Upload-Offset": str(half)}),
            )
            assert rest.status_code == 204, rest.text
            auth_b = sign_in(c2, b.device)
            listed = c1.get("/v1/mailbox", headers=auth_b).json()["bundles"]
            assert [e["sha256"] for e in listed] == [sha(data)]
            assert c1.get(f"/v1/bundles/{sha(data)}", headers=auth_b).content == data
            # An upload a laptop never finished is dropped at the expiry sweep.
            left = c2.post("/v1/uploads", headers=_tus(auth_a, **{"Upload-Length": "1000"}))
            left_at = left.headers["Location"]
            c2.patch(
                left_at, content=b"x" * 10, headers=_tus(auth_a, **chunk, **{"Upload-Offset": "0"})
            )
            assert c1.head(left_at, headers=_tus(auth_a)).status_code == 200
            one.prune(time.time() + EXPIRE_SECONDS + 60)
            assert c2.head(left_at, headers=_tus(auth_a)).status_code == 404
    finally:
        one.close()
        two.close()
