"""The OpenAPI description of the hub's routes (app.py), kept beside them by hand so it says
exactly what the routes return."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "description": "refused",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}},
            }
        }
    },
}
_ENTRY = {
    "type": "object",
    "required": ["seq", "sha256", "bundle_id", "size", "sender_org"],
    "properties": {
        "seq": {"type": "integer", "minimum": 0},
        "sha256": {"type": "string"},
        "bundle_id": {"type": "string"},
        "size": {"type": "integer", "minimum": 0},
        "sender_org": {"type": "string"},
    },
}
_SHA = {
    "name": "sha256",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
}
_UPLOAD = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string"}}
_AUTH: list[dict[str, list[str]]] = [{"device": []}]


def _json(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _ERROR for code in codes}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "cmdesk hub", "version": "1"},
    "components": {"securitySchemes": {"device": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/health": {
            "get": {
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["status", "hub_id"],
                            "properties": {
                                "status": {"type": "string"},
                                "hub_id": {"type": "string"},
                            },
                        }
                    )
                }
            }
        },
        "/metrics": {
            "get": {
                "responses": {
                    "200": {
                        "description": "Prometheus text",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                }
            }
        },
        "/v1/challenge": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["device_id"],
                                "properties": {
                                    "device_id": {"type": "string", "minLength": 1, "maxLength": 36}
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["nonce", "hub_id"],
                            "properties": {
                                "nonce": {"type": "string"},
                                "hub_id": {"type": "string"},
                            },
                        }
                    ),
                    **_errors(400, 413, 429, 503),
                },
            }
        },
        "/v1/token": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["device_id", "nonce", "signature", "cert"],
                                "properties": {
                                    "device_id": {"type": "string"},
                                    "nonce": {"type": "string"},
                                    "signature": {"type": "string"},
                                    "cert": {"type": "object"},
                                    "chain": {"type": "array", "items": {"type": "object"}},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["token", "expires_in"],
                            "properties": {
                                "token": {"type": "string"},
                                "expires_in": {"type": "integer"},
                            },
                        }
                    ),
                    **_errors(400, 403, 413, 429),
                },
            }
        },
        "/v1/mailbox": {
            "get": {
                "security": _AUTH,
                "parameters": [
                    {
                        "name": "after",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["bundles"],
                            "properties": {"bundles": {"type": "array", "items": _ENTRY}},
                        }
                    ),
                    **_errors(400, 401, 429),
                },
            }
        },
        "/v1/bundles/{sha256}": {
            "put": {
                "security": _AUTH,
                "parameters": [_SHA],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "200": _json(_ENTRY, "already held"),
                    "201": _json(_ENTRY, "stored and visible to the recipient"),
                    **_errors(400, 401, 403, 409, 413, 422, 429),
                },
            },
            "get": {
                "security": _AUTH,
                "parameters": [_SHA],
                "responses": {
                    "200": {
                        "description": "the bundle",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
                    "206": {
                        "description": "a range of the bundle",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },
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
                "parameters": [
                    {
                        "name": "Upload-Length",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
                "responses": {
                    "201": {"description": "created; Location names the upload"},
                    **_errors(400, 401, 413, 429),
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
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/offset+octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "204": {"description": "chunk stored; Upload-Offset is the new offset"},
                    "400": {"description": "unknown checksum algorithm"},
                    "404": {"description": "no such upload"},
                    "409": {"description": "offset mismatch"},
                    "413": {"description": "chunk too large"},
                    "415": {"description": "wrong content type"},
                    "460": {"description": "checksum mismatch"},
                    **_errors(401, 403, 422, 429),
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
