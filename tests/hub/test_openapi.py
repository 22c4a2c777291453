"""schemathesis against the hub's own /openapi.json: no server errors, and every response
matches what the description says (status, content type, schema)."""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from cmdesk.hub.app import build_app, open_hub

# tus chunks are raw bytes, like application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

# schemathesis needs the schema when the module is collected; the hub's folder lives as long.
_folder = tempfile.TemporaryDirectory(prefix="cmdesk-hub-openapi-")
atexit.register(_folder.cleanup)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", build_app(open_hub(Path(_folder.name), "hub-1"))
)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_keeps_its_description(case: schemathesis.Case) -> None:
    # Not "schema-valid data is accepted": a token needs a real signature over a real nonce and
    # a certificate chain, which no schema can say; such requests get their documented 400/403.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
