"""Long work reports progress and can be cancelled; a cancelled import resumes later."""

from __future__ import annotations

import pytest

from cmdesk.core.progress import CancelToken
from cmdesk.core.sync.rejections import SyncCancelled
from tests.core.sync.conftest import Net, sync
from tests.core.sync.records import add_child, children_in_segments


def test_import_reports_progress_and_a_cancelled_import_resumes(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, result = children_in_segments(net.a1, monkeypatch, 12)
    assert result.segments > 3
    steps: list[tuple[int, int]] = []
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        if done == 2:
            token.cancel()

    with pytest.raises(SyncCancelled):
        sync(net.a2).import_bundle(data, progress=progress, cancel=token)
    assert steps == [(1, result.segments), (2, result.segments)]
    resumed = sync(net.a2).import_bundle(data, progress=lambda d, t: steps.append((d, t)))
    assert resumed.resumed_at == 2
    assert steps[-1] == (result.segments, result.segments)
    assert sync(net.a2).state_hash() == sync(net.a1).state_hash()


def test_export_can_be_cancelled_and_reports_progress(net: Net) -> None:
    add_child(net.a1)
    token = CancelToken()
    token.cancel()
    with pytest.raises(SyncCancelled):
        sync(net.a1).export(cancel=token)
    seen: list[int] = []
    sync(net.a1).export(progress=lambda d, t: seen.append(d))
    assert seen == [1, 2, 3]
