import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    return Path(os.environ.get("VNPOLICY_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    p = _shared()
    if not (p / "gold" / "dev").is_dir():
        pytest.fail(f"shared material not found at {p} (set VNPOLICY_SHARED)")
    return p
