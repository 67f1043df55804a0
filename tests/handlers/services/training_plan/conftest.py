"""The commune of tests/helpers/summary_data.py with the registrations of plan_data.py."""

import pytest

from tests.helpers import plan_data
from tests.helpers import summary_data as data


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        await plan_data.register(app)
        yield app
