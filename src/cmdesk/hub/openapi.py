"""The OpenAPI description of the hub's routes (app.py), kept beside them by hand so it says
exactly what the routes return."""

from __future__ import annotations

from typing import Any

_AUTH: list[dict[str, list[str]]] = [{"device": []}]
_BINARY = {"type": "string", "format": "binary"}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON object schema: `required` properties, then `optional` ones."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _body(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"required": True, "content": {media: {"schema": schema}}}


def _json(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _bytes(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/octet-stream": {"schema": _BINARY}},
    }


def _param(name: str, where: str, schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema}


_STRING = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_ERROR = _json(_object({"error": _STRING}), "refused")
_ENTRY = _object(
    {
        "seq": _COUNT,
        "sha256": _STRING,
        "bundle_id": _STRING,
        "size": _COUNT,
        "sender_org": _STRING,
    }
)
_SHA = _param("sha256", "path", {"type": "string", "pattern": "^[0-9a-f]{64}$"})
_UPLOAD = _param("upload_id", "path", _STRING)


# Too large: "max" says the hub's limit for one bundle, in bytes.
_TOO_LARGE = _json(_object({"error": _STRING}, {"max": _COUNT}), "too large")


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _TOO_LARGE if code == 413 else _ERROR for code in codes}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "cmdesk hub", "version": "1"},
    "components": {"securitySchemes": {"device": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/health": {
            "get": {"responses": {"200": _json(_object({"status": _STRING, "hub_id": _STRING}))}}
        },
        "/metrics": {
            "get": {
                "responses": {
                    "200": {
                        "description": "Prometheus text",
                        "content": {"text/plain": {"schema": _STRING}},
                    }
                }
            }
        },
        "/v1/challenge": {
            "post": {
                "requestBody": _body(
                    _object({"device_id": {"type": "string", "minLength": 1, "maxLength": 36}})
                ),
                "responses": {
                    "200": _json(_object({"nonce": _STRING, "hub_id": _STRING})),
                    **_errors(400, 413, 429, 503),
                },
            }
        },
        "/v1/token": {
            "post": {
                "requestBody": _body(
                    _object(
                        {
                            "device_id": _STRING,
                            "nonce": _STRING,
                            "signature": _STRING,
                            "cert": {"type": "object"},
                        },
                        {"chain": {"type": "array", "items": {"type": "object"}}},
                    )
                ),
                "responses": {
                    "200": _json(_object({"token": _STRING, "expires_in": {"type": "integer"}})),
                    **_errors(400, 403, 413, 429),
                },
            }
        },
        "/v1/mailbox": {
            "get": {
                "security": _AUTH,
                "parameters": [_param("after", "query", _COUNT, required=False)],
                "responses": {
                    "200": _json(_object({"bundles": {"type": "array", "items": _ENTRY}})),
                    **_errors(400, 401, 429),
                },
            }
        },
        "/v1/bundles/{sha256}": {
            "put": {
                "security": _AUTH,
                "parameters": [_SHA],
                "requestBody": _body(_BINARY, "application/octet-stream"),
                "responses": {
                    "200": _json(_ENTRY, "already held"),
                    "201": _json(_ENTRY, "stored and visible to the recipient"),
                    **_errors(400, 401, 403, 409, 413, 422, 429, 507),
                },
            },
            "get": {
                "security": _AUTH,
                "parameters": [_SHA],
                "responses": {
                    "200": _bytes("the bundle"),
                    "206": _bytes("a range of the bundle"),
                    **_errors(401, 404, 416, 429),
                },
            },
        },
        "/v1/uploads": {
            "options": {
                "responses": {"204": {"description": "tus capabilities"}},
            },
            "post": {
                "security": _AUTH,
                "parameters": [_param("Upload-Length", "header", _COUNT)],
                "responses": {
                    "201": {"description": "created; Location names the upload"},
                    **_errors(400, 401, 413, 429, 507),
                },
            },
        },
        "/v1/uploads/{upload_id}": {
            "head": {
                "security": _AUTH,
                "parameters": [_UPLOAD],
                "responses": {
                    "200": {"description": "Upload-Offset and Upload-Length"},
                    "404": {"description": "no such upload"},
                    **_errors(401, 429),
                },
            },
            "patch": {
                "security": _AUTH,
                "parameters": [_UPLOAD],
                "requestBody": _body(_BINARY, "application/offset+octet-stream"),
                "responses": {
                    "204": {"description": "chunk stored; Upload-Offset is the new offset"},
                    "400": {"description": "unknown checksum algorithm"},
                    "404": {"description": "no such upload"},
                    "409": {"description": "offset mismatch"},
                    "413": {"description": "chunk too large"},
                    "415": {"description": "wrong content type"},
                    "460": {"description": "checksum mismatch"},
                    **_errors(401, 403, 422, 429, 507),
                },
            },
            "delete": {
                "security": _AUTH,
                "parameters": [_UPLOAD],
                "responses": {
                    "204": {"description": "ended"},
                    "404": {"description": "no such upload"},
                    **_errors(401, 429),
                },
            },
        },
        "/v1/bundles/{sha256}/fetched": {
            "post": {
                "security": _AUTH,
                "parameters": [_SHA],
                "responses": {"204": {"description": "noted"}, **_errors(401, 404, 429)},
            }
        },
    },
}
