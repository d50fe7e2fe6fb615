# Rate-limit counters start empty (the reliability tests' fixture).
from tests.reliability.conftest import fresh_cache  # noqa: F401
