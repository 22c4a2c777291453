"""An export cut into parts a hub takes (parts.py): each part under the ceiling, the parts
together the whole in any order of arrival, what arrived in parts relayed on with every
change still vouched for, and a change larger than the ceiling held back whole."""

from __future__ import annotations

import pytest

from cmdesk.core.demo.generate import generate
from cmdesk.core.errors import BundleTooLarge
from cmdesk.core.sync import batches
from tests.core.sync.conftest import Net, exchange
from tests.core.sync.records import add_child

CEILING = 48 * 1024


def test_an_export_in_parts_arrives_whole_in_any_order(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 64 changes, as a first sync's are of 8192: several signatures to spread.
    monkeypatch.setattr(batches, "SIGN_RUN", 64)
    generate(net.a1, 40, workers=0, syncable=True)
    whole, _ = net.a1.sync.export(everything=True)
    pieces = net.a1.sync.export_parts(CEILING)

    assert len(pieces) >= 3
    assert all(len(data) <= CEILING for data, _ in pieces)
    # Each part carries the signatures of its own changes, not all of them: cutting costs
    # the link little more than the whole.
    assert sum(len(data) for data, _ in pieces) < 1.3 * len(whole)

    # The last part first: each applies on its own; together they are the whole.
    for data, _ in reversed(pieces):
        assert net.a2.sync.import_bundle(data).new > 0
    assert net.a2.sync.state_hash() == net.a1.sync.state_hash()

    # a3 never met a1: it takes a1's work from a2, every change checked against a1's batches.
    data, _ = net.a2.sync.export(everything=True)
    net.a3.sync.import_bundle(data)
    assert net.a3.sync.state_hash() == net.a1.sync.state_hash()
    assert net.a3.sync.import_trouble().refused == ()


def test_a_ceiling_smaller_than_one_change_keeps_the_bundle_whole(net: Net) -> None:
    add_child(net.a1, nickname="ดาว")
    before = net.a1.sync.state_hash()
    with pytest.raises(BundleTooLarge) as raised:
        net.a1.sync.export_parts(1024)
    assert raised.value.limit == 1024
    assert net.a1.sync.state_hash() == before
    # Nothing was lost: the whole bundle still goes on a stick.
    exchange(net.a1, net.a2)
    assert net.a2.sync.state_hash() == before


def test_parts_that_would_double_the_bytes_leave_it_to_a_stick(
    net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A vault that signed all its work in one batch (before batches were capped) would send
    # that batch in every part.
    monkeypatch.setattr(batches, "SIGN_RUN", 10**9)
    generate(net.a1, 40, workers=0, syncable=True)
    with pytest.raises(BundleTooLarge):
        net.a1.sync.export_parts(CEILING)
    exchange(net.a1, net.a2)
    assert net.a2.sync.state_hash() == net.a1.sync.state_hash()
