"""The hub at network scale: two `cmdesk-hub` processes share one PostgreSQL database, one S3
bucket (SeaweedFS) and one data folder (certificate, id, secret), as behind a load balancer.
Laptops reach whichever process answers and converge exactly as through one hub; a process
killed with -9 loses nothing the other cannot serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hub.conftest import pg_cluster, s3_server  # noqa: F401 (fixtures)
from tests.hub.scale_servers import S3, fresh_database
from tests.network.hub_process import HubProcess, hub_command, office_field_and_partner


def test_laptops_converge_through_two_hub_processes_sharing_postgres_and_s3(
    tmp_path: Path,
    pg_cluster: str,  # noqa: F811
    s3_server: S3,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)  # the hub processes' S3 keys
    data = tmp_path / "hub" / "data"
    hub_command("fingerprint", "--data", str(data))
    shared = (
        "--db", fresh_database(pg_cluster),
        "--store", s3_server.new_store(),
        "--s3-endpoint", s3_server.endpoint,
    )  # fmt: skip
    one, two = HubProcess(data, options=shared), HubProcess(data, options=shared)
    one.start()
    two.start()
    try:
        office, field, partner = office_field_and_partner(
            tmp_path, one
        )  # `--hub` picks the other process

        office.add_user("anong", "case_manager").json(
            "child", "add", "--set", "given_name_th=ดาว", "--set", "sex=female",
            "--set", "birth_year=2557",
        )  # fmt: skip
        office.json("sync", "now")
        got = field.json("sync", "now", "--hub", two.url)
        assert sum(r["new"] for r in got["received"]) > 0
        assert field.state_hash() == office.state_hash()

        field.json(
            "child", "add", "--set", "given_name_th=เดือน", "--set", "sex=male",
            "--set", "birth_year=2560",
        )  # fmt: skip
        field.json("sync", "now", "--hub", two.url)
        # The process that took the upload dies; the other serves what it stored.
        two.kill()
        office.json("sync", "now")
        assert field.state_hash() == office.state_hash()
        assert partner.json("sync", "now")["received"] == []  # nothing shared with ECPAT
        # The office's answer (what its import recorded) reaches the field laptop; then
        # nothing is left for it, and bundles every laptop has fetched expire.
        field.json("sync", "now")
        assert field.json("sync", "now")["received"] == []
        assert field.state_hash() == office.state_hash()
        pruned = hub_command("prune", "--data", str(data), *shared).stdout
        assert "Expired" in pruned and "Expired 0 " not in pruned
    finally:
        one.stop()
        two.stop()
