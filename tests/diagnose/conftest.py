"""One practice farm for each test module here, its logs emptied by each test that sends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wizard.farm import Farm


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    running = Farm("complete", 2, root=tmp_path_factory.mktemp("farm"), pickup_delay=0.05)
    running.start()
    yield running
    running.stop()
