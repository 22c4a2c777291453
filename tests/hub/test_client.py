"""The laptop's hub client (core/sync/hub_client.py) against a real `cmdesk-hub` process:
large bundles go by tus in growing chunks, downloads come back byte for byte, and a hub whose
key is not the pinned one gets nothing."""

from __future__ import annotations

import os
import ssl
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.errors import HubTrouble
from cmdesk.core.sync import hub_client
from cmdesk.core.sync.hub_client import HubClient
from tests.hub.test_mailbox import Office, bundle, office, sha
from tests.network.hub_process import HubProcess, hub_command


def hub_with_two_offices(running: HubProcess) -> tuple[HubProcess, Office, Office]:
    """WVFT and ECPAT registered on a hub process (not yet started)."""
    a, b = office("WVFT"), office("ECPAT")
    for who in (a, b):
        path = running.data.parent / f"{who.org.identity.code}.identity"
        path.write_bytes(who.org.identity_file())
        hub_command("org", "add", str(path), "--data", str(running.data))
    return running, a, b


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubProcess, Office, Office]]:
    running, a, b = hub_with_two_offices(HubProcess(tmp_path / "data"))
    running.start()
    try:
        yield running, a, b
    finally:
        running.stop()


def test_a_large_bundle_goes_by_tus_and_comes_back_whole(
    hub: tuple[HubProcess, Office, Office],
) -> None:
    running, a, b = hub
    data = bundle(a, b, payload=os.urandom(700_000))
    assert len(data) > hub_client.SMALL
    sender = HubClient(running.url, running.pin(), a.device)
    receiver = HubClient(running.url, running.pin(), b.device)
    try:
        sender.sign_in()
        assert sender.upload(data)
        receiver.sign_in()
        [item] = receiver.pending()
        assert (item.sha256, item.size) == (sha(data), len(data))
        assert receiver.download(item) == data
        receiver.fetched(item)
        assert receiver.pending() == []
    finally:
        sender.close()
        receiver.close()


def test_a_hub_with_another_key_gets_nothing(hub: tuple[HubProcess, Office, Office]) -> None:
    running, a, _b = hub
    client = HubClient(running.url, "ab" * 32, a.device)
    try:
        with pytest.raises(HubTrouble) as refused:
            client.sign_in()
        assert refused.value.text_id == hub_client.WRONG_PIN
    finally:
        client.close()


def test_a_download_cut_midway_resumes_from_the_last_byte_that_arrived(
    hub: tuple[HubProcess, Office, Office],
) -> None:
    from tests.network.link import Proxy

    running, a, b = hub
    data = bundle(a, b, payload=os.urandom(2_000_000))
    sender = HubClient(running.url, running.pin(), a.device)
    try:
        sender.sign_in()
        assert sender.upload(data)
    finally:
        sender.close()
    with Proxy(running.port) as link:
        receiver = HubClient(link.url, running.pin(), b.device)
        try:
            receiver.sign_in()
            [item] = receiver.pending()
            before = link.down
            link.cut_down_after = before + len(data) // 2  # the signal goes halfway through
            assert receiver.download(item) == data
        finally:
            receiver.close()
        assert link.cuts == 1
        # What had arrived was kept: about one bundle came down the link, not one and a half.
        assert link.down - before < len(data) * 1.1


def test_a_busy_hub_is_waited_for_not_reported_out_of_reach(tmp_path: Path) -> None:
    """A hub letting each laptop make 30 requests a minute: the client's 31st and later wait
    as long as the hub says (Retry-After) instead of failing the exchange."""
    busy = HubProcess(tmp_path / "data", options=("--rate-per-minute", "30"))
    running, a, _b = hub_with_two_offices(busy)
    running.start()
    client = HubClient(running.url, running.pin(), a.device)
    try:
        client.sign_in()
        for _ in range(34):
            assert client.pending() == []  # never HubTrouble
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        with urllib.request.urlopen(f"{running.url}/metrics", context=ctx) as got:  # noqa: S310
            metrics = got.read().decode()
        limited = next(ln for ln in metrics.splitlines() if ln.startswith("cmdesk_hub_rate_lim"))
        assert int(limited.split()[-1]) >= 1  # the hub did say "busy", and it was waited for
    finally:
        client.close()
        running.stop()
