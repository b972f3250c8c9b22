"""Provides where KB Wizard keeps its data: one place to change, one place tests redirect."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "KBWIZARD_DATA_DIR"
CACHE_DIR_ENV = "KBWIZARD_CACHE_DIR"


def data_dir() -> Path:
    """The data folder (``KBWIZARD_DATA_DIR``, else the platform's user data dir); not created."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("kbwizard", appauthor=False)


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def exports_dir() -> Path:
    return data_dir() / "exports"


def cache_dir() -> Path:
    """Where validated packs are remembered (``KBWIZARD_CACHE_DIR``, else the user cache)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("kbwizard", appauthor=False)
