"""Hypothesis profiles for the hardening fuzzers.

``HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/hardening tests/integrity -k fuzz`` runs the
fuzzers with many more examples (minutes, not seconds); the default profile
keeps the whole folder well under a minute.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default-hardening",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-hardening"))
