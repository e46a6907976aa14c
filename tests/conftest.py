"""Shared test set-up.

- Plain helper modules in tests/ (e.g. ``simpy_reference``) are importable by name.
- Hypothesis runs derandomized under CI (``CI=true``), so a red build is reproducible;
  locally it explores new examples each run.
"""

import os
import sys
from pathlib import Path

from hypothesis import settings

_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
