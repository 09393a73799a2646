"""The API's reference page (``GET /docs``): the server's own OpenAPI document drawn as one
HTML page by the server itself, with no script and nothing loaded from elsewhere.

FastAPI's Swagger UI and ReDoc pages load their scripts, styles and fonts from public CDNs
(jsdelivr, Google Fonts): on a county network without Internet access the page stayed blank,
and where it had access, a third party's script ran on the county's own origin, beside the
citizen's status page, unpinned. This page works offline, runs nothing, and its policy lets it
load nothing; ``/openapi.json`` stays for tools (and a Swagger UI of one's own).
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_CSS = """
body{font-family:"Noto Sans CJK TC","Noto Sans TC",sans-serif;line-height:1.45;margin:0 auto;
padding:16px;max-width:1000px;color:#111;background:#fff}
h2{border-bottom:2px solid #999;margin-top:32px}
h3{font-family:monospace;font-size:17px;margin:24px 0 4px}
.m{display:inline-block;min-width:56px;padding:1px 6px;margin-right:8px;border-radius:4px;
background:#1d4f91;color:#fff}
table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
code{font-family:monospace}
p{margin:4px 0}
"""

#: The page's own headers: no script, nothing loaded, only its inline style (by its hash).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src "
        f"'sha256-{base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()}'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
}

_e = html.escape


def register(app: FastAPI) -> None:
    """``GET /docs`` (drawn once, at its first request) in place of FastAPI's CDN pages."""
    drawn: list[str] = []

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_page() -> HTMLResponse:
        if not drawn:
            drawn.append(render(app.openapi()))
        return HTMLResponse(drawn[0], headers=PAGE_HEADERS)


def render(doc: dict[str, Any]) -> str:
    """The whole page of an OpenAPI document: its operations, then its schemas."""
    info = doc.get("info", {})
    title = _e(str(info.get("title", "")))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{title} — API</title><style>{_CSS}</style></head><body>",
        f"<h1>{title} <small>{_e(str(info.get('version', '')))}</small></h1>",
        f"<p>{_e(str(info.get('description', '')))}</p>",
        "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a>. "
        "Routes marked <em>credential</em> need <code>Authorization: Bearer …</code> "
        "(a device's, or a channel's for <code>/v1/channel/*</code>).</p>",
        "<h2>Operations</h2>",
        *_operations(doc.get("paths", {})),
        "<h2>Schemas</h2>",
        *_schemas(doc.get("components", {}).get("schemas", {})),
        "</body></html>",
    ]
    return "".join(parts)


def _operations(paths: dict[str, Any]) -> Iterator[str]:
    for path, ops in paths.items():
        for method, op in ops.items():
            auth = " — <em>credential</em>" if op.get("security") else ""
            yield (
                f"<h3><span class='m'>{_e(method.upper())}</span>{_e(path)}</h3>"
                f"<p><b>{_e(str(op.get('summary', '')))}</b>{auth}</p>"
            )
            if op.get("description"):
                yield f"<p>{_e(str(op['description']))}</p>"
            params = op.get("parameters", [])
            if params:
                yield "<table><tr><th>parameter</th><th>in</th><th>type</th></tr>"
                for p in params:
                    need = " (required)" if p.get("required") else ""
                    yield (
                        f"<tr><td><code>{_e(str(p.get('name', '')))}</code>{need}</td>"
                        f"<td>{_e(str(p.get('in', '')))}</td>"
                        f"<td>{_type_of(p.get('schema', {}))}</td></tr>"
                    )
                yield "</table>"
            body = op.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                yield f"<p>body ({_e(media)}): {_type_of(content.get('schema', {}))}</p>"
            yield "<table><tr><th>answer</th><th></th></tr>"
            for status, answer in op.get("responses", {}).items():
                contents: list[dict[str, Any]] = list(answer.get("content", {}).values())
                schema = contents[0].get("schema") if contents else None
                shown = f" — {_type_of(schema)}" if schema else ""
                yield (
                    f"<tr><td>{_e(str(status))}</td>"
                    f"<td>{_e(str(answer.get('description', '')))}{shown}</td></tr>"
                )
            yield "</table>"


def _schemas(schemas: dict[str, Any]) -> Iterator[str]:
    for name, schema in schemas.items():
        yield f"<h3 id='{_e(name)}'>{_e(name)}</h3>"
        if schema.get("description"):
            yield f"<p>{_e(str(schema['description']))}</p>"
        props = schema.get("properties", {})
        if "enum" in schema:
            yield f"<p>one of: {_e(', '.join(str(v) for v in schema['enum']))}</p>"
        if not props:
            continue
        required = set(schema.get("required", ()))
        yield "<table><tr><th>field</th><th>type</th><th></th></tr>"
        for field, spec in props.items():
            need = " (required)" if field in required else ""
            yield (
                f"<tr><td><code>{_e(field)}</code>{need}</td><td>{_type_of(spec)}</td>"
                f"<td>{_e(str(spec.get('description', '')))}</td></tr>"
            )
        yield "</table>"


def _type_of(spec: dict[str, Any]) -> str:
    """A schema's type in a few words, a named schema linked to its entry below."""
    ref = spec.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return f"<a href='#{_e(name)}'>{_e(name)}</a>"
    for key in ("anyOf", "oneOf", "allOf"):
        if spec.get(key):
            return " | ".join(_type_of(s) for s in spec[key])
    kind = str(spec.get("type", "any"))
    if kind == "array":
        return f"array of {_type_of(spec.get('items', {}))}"
    if "const" in spec:
        return f"{_e(kind)} {_e(repr(spec['const']))}"
    return _e(kind)
