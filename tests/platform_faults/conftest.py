"""A whole platform of its own for each fault test (the fault takes something away under it), and
the people who write through its gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.infra import Infrastructure
from tests.support.platform_traffic import representatives, signed_in
from tests.support.whole_platform import RunningPlatform, running_platform


@pytest.fixture
def platform(infra: Infrastructure, tmp_path: Path) -> Iterator[RunningPlatform]:
    with running_platform(infra, tmp_path) as running:
        yield running


@dataclass
class Writers:
    secretariat: httpx.AsyncClient
    representatives: dict[str, httpx.AsyncClient]


@pytest.fixture
async def writers(platform: RunningPlatform) -> AsyncIterator[Writers]:
    """The secretariat and the representatives of PE and CO, signed in through the gateway."""
    secretariat = await signed_in(platform, platform.secretariat_email, platform.secretariat_password)
    people = await representatives(platform, secretariat, "PE", "CO")
    yield Writers(secretariat, people)
    for client in (secretariat, *people.values()):
        await client.aclose()
