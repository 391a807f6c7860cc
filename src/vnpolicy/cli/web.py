"""Web commands: ``serve`` the pages and API, and manage the API's bearer ``token``s."""
from __future__ import annotations

import typer
from rich.markup import escape

from .common import DB, JSON, _out, _print_json, _table, app, err

token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens for editors and API writers.")
app.add_typer(token_app, name="token")


@app.command()
def serve(db: str | None = DB,
          host: str = typer.Option("127.0.0.1", help="Address to listen on (this machine only by default)."),
          port: int = typer.Option(8000, help="TCP port."),
          workers: int = typer.Option(1, min=1, help="Worker processes (reads scale with cores)."),
          closed: bool = typer.Option(False, "--closed", help="Reads need a token too."),
          cache: float = typer.Option(300.0, help="Seconds a rendered page may be reused while the store is "
                                                  "unchanged (0: off)."),
          rate_limit: float = typer.Option(0.5, help="Writes (POSTs) per second one client address may "
                                                     "sustain, per worker (0: no limit)."),
          rate_burst: int = typer.Option(30, help="Writes one client may make at once."),
          max_body: int = typer.Option(16 << 20, help="Largest request body in bytes (413 beyond)."),
          allow_private_urls: bool = typer.Option(False, "--allow-private-urls",
                                                  help="URL ingestion may fetch private, loopback and "
                                                       "link-local addresses (intranets; off: SSRF guard)."),
          log_level: str = typer.Option("warning", help="uvicorn log level.")):
    """Serve the web app and the API (/api/v1) over the store."""
    import os

    import uvicorn

    from ..store import open_store, resolve_url

    url = resolve_url(db)
    open_store(url).dispose()  # migrate once here, not in every worker
    os.environ["VNPOLICY_WEB_DB"] = url
    os.environ["VNPOLICY_WEB_CACHE"] = str(cache)
    if closed:
        os.environ["VNPOLICY_CLOSED_READS"] = "1"
    os.environ["VNPOLICY_RATE_LIMIT"] = str(rate_limit)
    os.environ["VNPOLICY_RATE_BURST"] = str(rate_burst)
    os.environ["VNPOLICY_MAX_BODY"] = str(max_body)
    if allow_private_urls:
        os.environ["VNPOLICY_ALLOW_PRIVATE_URLS"] = "1"
    err.print(f"vnpolicy: http://{host}:{port}/ (API http://{host}:{port}/api/v1/docs)")
    uvicorn.run("vnpolicy.web.app:from_environment", factory=True, host=host, port=port, workers=workers,
                log_level=log_level)


@token_app.command("create")
def token_create(name: str = typer.Option(..., "--name", help="Who or what the token is for."),
                 as_json: bool = JSON):
    """Make a token; the secret is printed once and only its digest is kept."""
    from ..web import tokens
    from ..web.settings import Settings

    tok, secret = tokens.create(Settings().tokens_file, name)
    if as_json:
        _print_json({"id": tok.id, "name": tok.name, "token": secret})
    else:
        _out().print(f"token {tok.id} for {escape(name)}:\n{secret}\n(shown once; keep it secret)")


@token_app.command("list")
def token_list(as_json: bool = JSON):
    """Tokens (never their secrets)."""
    from ..web import tokens
    from ..web.settings import Settings

    rows = tokens.list_tokens(Settings().tokens_file)
    if as_json:
        _print_json([{"id": t.id, "name": t.name, "created": t.created, "revoked": t.revoked} for t in rows])
    else:
        _table("tokens", ["id", "name", "created", "revoked"],
               [[t.id, t.name, t.created, "yes" if t.revoked else ""] for t in rows])


@token_app.command("revoke")
def token_revoke(ident: str = typer.Argument(..., help="The token's id (from `token list`).")):
    """Revoke a token; requests carrying it are refused from then on."""
    from ..web import tokens
    from ..web.settings import Settings

    if not tokens.revoke(Settings().tokens_file, ident):
        err.print(f"no live token {escape(ident)}")
        raise typer.Exit(1)
    _out().print(f"revoked {escape(ident)}")
