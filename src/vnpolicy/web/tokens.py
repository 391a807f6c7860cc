"""Bearer tokens for writers (and readers, when reads are closed).

Only a SHA-256 digest of each token is kept (the tokens are 32 random bytes,
so a plain digest is enough); checks compare digests in constant time. The
file is small JSON beside the user's configuration, written atomically.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

PREFIX = "vnp_"


@dataclass
class Token:
    id: str
    name: str
    digest: str
    created: str
    revoked: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _load(path: Path) -> list[Token]:
    if not path.exists():
        return []
    return [Token(**t) for t in json.loads(path.read_text(encoding="utf-8"))]


def _save(path: Path, tokens: list[Token]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([asdict(t) for t in tokens], fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def create(path: Path, name: str) -> tuple[Token, str]:
    """A new token: its stored entry and the secret, shown once."""
    tokens = _load(path)
    secret = PREFIX + secrets.token_urlsafe(32)
    tok = Token(id=secrets.token_hex(4), name=name, digest=_digest(secret),
                created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    _save(path, [*tokens, tok])
    return tok, secret


def list_tokens(path: Path) -> list[Token]:
    return _load(path)


def revoke(path: Path, ident: str) -> bool:
    tokens = _load(path)
    hit = False
    for t in tokens:
        if t.id == ident and not t.revoked:
            t.revoked = hit = True
    if hit:
        _save(path, tokens)
    return hit


def check(path: Path, secret: str | None) -> Token | None:
    """The live token whose secret this is, comparing every digest in constant time."""
    if not secret:
        return None
    digest = _digest(secret)
    found = None
    for t in _load(path):
        if hmac.compare_digest(t.digest, digest) and not t.revoked:
            found = t
    return found


def by_id(path: Path, ident: str) -> Token | None:
    return next((t for t in _load(path) if t.id == ident and not t.revoked), None)
