"""The integrity tests share the hardening fuzzers' hypothesis profiles
(``HYPOTHESIS_PROFILE=long`` for thousands of examples)."""

from tests.hardening import conftest as _profiles  # noqa: F401  (registers and loads them)
