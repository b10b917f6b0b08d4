"""Settings for the test suite: the product's, with a throw-away data directory.

The environment must be set before ``sideline.settings`` reads it, which is why the
tests name this module rather than setting variables in conftest.py.
"""

import os
import tempfile

os.environ.setdefault("SIDELINE_DATA_DIR", tempfile.mkdtemp(prefix="sideline-test-"))
os.environ.setdefault(
    "SIDELINE_SECRET_KEY", "test-only-secret-key-with-enough-length-to-be-accepted"
)

from sideline.settings import *  # noqa: F403  (the environment must be set first)

# Fast hashing: the suite creates many users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One process per test worker: the in-memory cache is enough, and clearing it needs no database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sideline-rendered",
    },
}
# The planner's page runs solve within the request: a test's rows are in a transaction that
# a run's own thread could not see (live-server tests set "thread" back).
SIDELINE_PLANNER_RUNS = "inline"
