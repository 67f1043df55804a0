"""The registration tests' clock: inside the 2026 window (for 2027) unless a test moves it."""

import pytest

from tests.helpers.registration import OPEN


@pytest.fixture
def clock(app):
    now = [OPEN]
    app.conversation.clock = lambda: now[0]
    return now
