"""Serializers schemathesis lacks, for scripts/schemathesis.sh: a TOML or CSV body is text
(the OpenAPI document declares it a string), an XLSX body is bytes; anything else generated for
them is sent as its JSON text, which the server must refuse with a 4xx, never a 5xx."""
import json

import schemathesis


def _text(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value).encode("utf-8")


@schemathesis.serializer("application/toml", "text/csv")
def text_body(ctx, value):
    return _text(value)


@schemathesis.serializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def binary_body(ctx, value):
    return _text(value)
