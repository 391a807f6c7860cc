"""How the web app runs: where tokens live, whether reading needs a token, the cookie secret."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir


def config_dir() -> Path:
    return Path(os.environ.get("VNPOLICY_CONFIG") or user_config_dir("vnpolicy"))


def _secret(folder: Path) -> bytes:
    """A secret shared by every worker of one installation, made once (signs cookies, CSRF tokens)."""
    if env := os.environ.get("VNPOLICY_SECRET"):
        return env.encode()
    path = folder / "web-secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


@dataclass
class Settings:
    #: Reads (pages, API GETs, feeds) need a token too: for deployments that are not open.
    closed_reads: bool = field(default_factory=lambda: os.environ.get("VNPOLICY_CLOSED_READS", "") not in ("", "0"))
    config: Path = field(default_factory=config_dir)
    #: Seconds a rendered page may be reused while the store has not changed (0: never).
    cache_seconds: float = 300.0
    secret: bytes = field(default=b"", repr=False)
    #: Writes (every POST) per second a client address may sustain; 0 turns the limit off.
    rate_limit: float = field(default_factory=lambda: _env_float("VNPOLICY_RATE_LIMIT", 0.5))
    #: Writes a client may make at once before the rate applies.
    rate_burst: int = field(default_factory=lambda: int(_env_float("VNPOLICY_RATE_BURST", 30)))
    #: Largest request body in bytes (JSON, forms, uploads together); larger ones get 413.
    max_body: int = field(default_factory=lambda: int(_env_float("VNPOLICY_MAX_BODY", 16 << 20)))
    #: Let URL ingestion fetch private, loopback and link-local addresses (intranets, tests).
    allow_private_urls: bool = field(
        default_factory=lambda: os.environ.get("VNPOLICY_ALLOW_PRIVATE_URLS", "") not in ("", "0"))

    def __post_init__(self) -> None:
        self.config = Path(self.config)
        if not self.secret:
            self.secret = _secret(self.config)

    @property
    def tokens_file(self) -> Path:
        return self.config / "tokens.json"
