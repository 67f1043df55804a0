"""Every report test runs at the same moment: 27/11/2026, 10:00 in Hanoi."""

import pytest

from tests.helpers.reports import NOW


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.conversation.clock = lambda: NOW
