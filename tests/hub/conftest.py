"""The hub's tests run against both deployments: embedded (SQLite + a folder) and network scale
(PostgreSQL + SeaweedFS S3, real servers started once per session)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cmdesk.hub.app import Hub, open_hub
from cmdesk.hub.limits import Limits
from tests.hub.scale_servers import S3, fresh_database, postgres, seaweedfs

MakeHub = Callable[..., Hub]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    with postgres() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3]:
    with seaweedfs() as server:
        yield server


@pytest.fixture(params=["embedded", "postgres+s3"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """What `open_hub` needs besides the data folder: nothing, or a fresh database and bucket."""
    if request.param == "embedded":
        return {}
    dsn: str = request.getfixturevalue("pg_cluster")
    s3: S3 = request.getfixturevalue("s3_server")
    mp = request.getfixturevalue("monkeypatch")
    for key, value in s3.env.items():
        mp.setenv(key, value)
    return {"db": fresh_database(dsn), "store": s3.new_store(), "s3_endpoint": s3.endpoint}


@pytest.fixture
def make_hub(deployment: dict[str, Any], tmp_path: Path) -> Iterator[MakeHub]:
    made: list[Hub] = []

    def make(limits: Limits | None = None, data: Path | None = None) -> Hub:
        made.append(open_hub(data or tmp_path / "data", "hub-1", limits, **deployment))
        return made[-1]

    yield make
    for hub in made:
        hub.close()
