"""What the hub keeps and for how long: a bundle goes once every laptop of its recipient has
fetched it (revoked laptops do not hold it up), or when the recipient's retention runs out;
a laptop or organisation over its quota is refused before a byte is kept, and says so.
Over the real embedded storage (SQLite file + blob folder) and the operator's commands."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from cmdesk.core.sync.certs import Revocation
from cmdesk.core.sync.keys import DeviceKeys, Enrolment
from cmdesk.hub import cli
from cmdesk.hub.app import Hub, build_app, open_hub
from cmdesk.hub.limits import Limits
from tests.hub.conftest import MakeHub
from tests.hub.test_mailbox import Office, TestClient, bundle, office, register, sha, sign_in

DAY = 86400.0


def kept(state: Hub, *bundles: bytes) -> list[bool]:
    """Whether the hub still holds each bundle's bytes (in its folder or its S3 bucket)."""
    return [state.blobs.size(sha(b)) is not None for b in bundles]


def test_a_bundle_for_one_laptop_is_for_it_alone_and_goes_once_it_fetched_it(
    make_hub: MakeHub,
) -> None:
    state = make_hub()
    a = office("WVFT")
    register(state, a)
    enrolment = Enrolment.issue(a.org, str(uuid.uuid4()), "field_worker", (), team="north")
    team = enrolment.new_device()  # a laptop for one team: it opens only its own bundles
    other = DeviceKeys.generate(a.org, str(uuid.uuid4()))
    with TestClient(build_app(state)) as client:
        auth_a, auth_team, auth_other = (sign_in(client, d) for d in (a.device, team, other))
        for_team = bundle(a, a, recipient_device=team.device_id)
        for_all = bundle(a, a)
        for data in (for_team, for_all):
            assert client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth_a).is_success

        def listed(auth: dict[str, str]) -> list[str]:
            return [e["sha256"] for e in client.get("/v1/mailbox", headers=auth).json()["bundles"]]

        assert listed(auth_team) == [sha(for_team)]
        assert listed(auth_other) == [sha(for_all)]
        assert client.get(f"/v1/bundles/{sha(for_team)}", headers=auth_other).status_code == 404
        # The team's laptop does not hold up the organisation's bundle, nor the other laptop
        # the team's.
        client.post(f"/v1/bundles/{sha(for_all)}/fetched", headers=auth_other)
        assert state.prune() == (1, len(for_all))
        client.post(f"/v1/bundles/{sha(for_team)}/fetched", headers=auth_team)
        assert state.prune() == (1, len(for_team))
        assert listed(auth_team) == listed(auth_other) == []


def test_a_bundle_goes_once_every_laptop_of_the_recipient_has_fetched_it(
    make_hub: MakeHub,
) -> None:
    state = make_hub()
    a, b = office("WVFT"), office("ECPAT")
    register(state, a)
    register(state, b)
    b2 = DeviceKeys.generate(b.org, str(uuid.uuid4()))
    lost = DeviceKeys.generate(b.org, str(uuid.uuid4()))
    with TestClient(build_app(state)) as client:
        auth_a = sign_in(client, a.device)
        auth_b, auth_b2 = sign_in(client, b.device), sign_in(client, b2)
        sign_in(client, lost)  # a third laptop of the partner, later lost
        data = bundle(a, b)
        assert client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth_a).is_success
        assert state.prune() == (0, 0)  # nobody has fetched it
        client.post(f"/v1/bundles/{sha(data)}/fetched", headers=auth_b)
        client.post(f"/v1/bundles/{sha(data)}/fetched", headers=auth_b2)
        assert state.prune() == (0, 0)  # the lost laptop has not: it is kept for it
        # The data manager revokes the lost laptop; the revocation reaches the hub in a bundle.
        revocation = Revocation.issue(b.org.certifying_key(), b.org.identity.org_id, lost.device_id)
        news = bundle(b, a, revocations=(revocation,))
        assert client.put(f"/v1/bundles/{sha(news)}", content=news, headers=auth_b).is_success
        assert state.prune() == (1, len(data))
        assert client.get(f"/v1/bundles/{sha(data)}", headers=auth_b).status_code == 404
        assert client.get("/v1/mailbox", headers=auth_b2).json()["bundles"] == []
        # The revocation's own bundle waits for WVFT's laptop.
        listed = client.get("/v1/mailbox", headers=auth_a).json()["bundles"]
        assert [e["sha256"] for e in listed] == [sha(news)]
        metrics = client.get("/metrics").text
    assert kept(state, data, news) == [False, True]
    assert "cmdesk_hub_bundles_expired_total 1" in metrics


def test_retention_drops_what_a_laptop_never_fetched_and_an_organisation_sets_its_own(
    make_hub: MakeHub, deployment: dict[str, Any], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    state = make_hub(Limits(retention_days=30))
    a, b = office("WVFT"), office("ECPAT")
    register(state, a)
    register(state, b)
    with TestClient(build_app(state)) as client:
        auth_a = sign_in(client, a.device)
        sign_in(client, b.device)  # never fetches
        to_b, to_a = bundle(a, b), bundle(b, a)
        client.put(f"/v1/bundles/{sha(to_b)}", content=to_b, headers=auth_a)
        client.put(f"/v1/bundles/{sha(to_a)}", content=to_a, headers=sign_in(client, b.device))
    now = time.time()
    assert state.prune(now + 29 * DAY) == (0, 0)
    assert state.prune(now + 31 * DAY) == (2, len(to_b) + len(to_a))
    assert kept(state, to_b, to_a) == [False, False]

    # ECPAT keeps its bundles 7 days only; WVFT keeps the hub's default.
    where = ["--data", str(data_dir), *(["--db", deployment["db"]] if deployment else [])]
    assert cli.main(["--lang", "th", "org", "retention", "ecpat", "7", *where]) == 0
    state = make_hub(Limits(retention_days=30))
    with TestClient(build_app(state)) as client:
        to_b, to_a = bundle(a, b), bundle(b, a)
        client.put(f"/v1/bundles/{sha(to_b)}", content=to_b, headers=sign_in(client, a.device))
        client.put(f"/v1/bundles/{sha(to_a)}", content=to_a, headers=sign_in(client, b.device))
    assert state.prune(time.time() + 8 * DAY) == (1, len(to_b))
    assert kept(state, to_b, to_a) == [False, True]


def test_the_operator_commands_say_what_they_did_in_thai_and_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    state = open_hub(data_dir, "hub-1")
    register(state, office("WVFT"))
    where = ("--data", str(data_dir))
    assert cli.main(["--lang", "th", "org", "retention", "WVFT", "14", *where]) == 0
    assert "WVFT" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "org", "retention", "NOBODY", "7", *where]) == 1
    assert capsys.readouterr().err.strip() == "No organisation NOBODY is registered on this hub."
    assert cli.main(["--lang", "en", "prune", "--data", str(data_dir)]) == 0
    assert capsys.readouterr().out.startswith("Expired 0 bundle(s), 0 bytes")
    assert cli.main(["--lang", "th", "prune", "--data", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Expired" not in out and "0" in out  # said in Thai
    with pytest.raises(SystemExit):
        cli.main(["org", "retention", "WVFT", "-3", "--data", str(data_dir)])


def put_both_ways(client: Any, sender: Office, recipient: Office, auth: dict[str, str]) -> Any:
    data = bundle(sender, recipient, payload=os.urandom(4000))
    return data, client.put(f"/v1/bundles/{sha(data)}", content=data, headers=auth)


def test_a_laptop_over_its_quota_is_refused_until_its_bundles_are_fetched(
    make_hub: MakeHub,
) -> None:
    a, b = office("WVFT"), office("ECPAT")
    size = len(bundle(a, b, payload=os.urandom(4000)))  # padded: every such bundle is as long
    room = Limits(device_bytes=2 * size + size // 2, org_bytes=10**9)  # two bundles, not three
    state = make_hub(room)
    register(state, a)
    register(state, b)
    with TestClient(build_app(state)) as client:
        auth_a, auth_b = sign_in(client, a.device), sign_in(client, b.device)
        first, response = put_both_ways(client, a, b, auth_a)
        assert response.status_code == 201
        second, response = put_both_ways(client, a, b, auth_a)
        assert response.status_code == 201
        third, response = put_both_ways(client, a, b, auth_a)
        assert (response.status_code, response.json()) == (507, {"error": "quota"})
        # The resumable path refuses before a byte is sent.
        created = client.post(
            "/v1/uploads",
            headers={**auth_a, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(third))},
        )
        assert created.status_code == 507
        # Another laptop is not held back by this one.
        other = DeviceKeys.generate(a.org, str(uuid.uuid4()))
        _data, response = put_both_ways(client, Office(a.org, other), b, sign_in(client, other))
        assert response.status_code == 201
        for data in (first, second):
            client.post(f"/v1/bundles/{sha(data)}/fetched", headers=auth_b)
        state.prune()
        _again, response = put_both_ways(client, a, b, auth_a)
        assert response.status_code == 201
        assert "cmdesk_hub_over_quota_total 2" in client.get("/metrics").text


def test_an_organisation_over_its_quota_is_refused_whichever_laptop_sends(
    make_hub: MakeHub,
) -> None:
    a, b = office("WVFT"), office("ECPAT")
    size = len(bundle(a, b, payload=os.urandom(4000)))
    state = make_hub(Limits(device_bytes=10**9, org_bytes=2 * size + size // 2))
    register(state, a)
    register(state, b)
    second = Office(a.org, DeviceKeys.generate(a.org, str(uuid.uuid4())))
    with TestClient(build_app(state)) as client:
        for sender, expected in ((a, 201), (second, 201), (second, 507), (a, 507)):
            _data, response = put_both_ways(client, sender, b, sign_in(client, sender.device))
            assert response.status_code == expected
        # The partner's own laptops are not held back by WVFT's use.
        _data, response = put_both_ways(client, b, a, sign_in(client, b.device))
        assert response.status_code == 201
