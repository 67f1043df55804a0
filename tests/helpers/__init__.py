"""What tests share: platform fakes, the forms walk, sample data, process helpers."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project's folder
