"""What tests share: platform fakes, the forms walk, sample data, process helpers."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project's folder
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")  # also run on PostgreSQL when set
RUN_SLOW = os.environ.get("RUN_SLOW") == "1"  # the long variants too (CI sets it)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
