"""Test differences only: fast hashing, mail kept in memory, files in a temporary folder."""

import tempfile

from careerpath.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="careerpath-test-media-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = tempfile.mkdtemp(prefix="careerpath-test-static-")
# Each test starts with fresh throttling counters; Redis is exercised by the Celery test instead.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run in-process in tests unless a test starts a worker against Redis on purpose.
CELERY_TASK_ALWAYS_EAGER = True
# Tests see a task's failure where it happens (the embedded default only logs it).
CELERY_TASK_EAGER_PROPAGATES = True
