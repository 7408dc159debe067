import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="careerpath.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-real-secret-key-of-sufficient-length-and-variety-0123456789-xyz",
        DJANGO_ALLOWED_HOSTS="careerpath.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="careerpath.settings", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_make_run_settings_read_the_kept_secret_key_and_serve_plain_http_on_loopback(tmp_path):
    """`make run` is debug off on a person's own machine: the generated key is read from its
    file, and pages and sign-in work over plain HTTP on loopback."""
    key_file = tmp_path / "secret-key"
    key_file.write_text("a-kept-secret-key-of-sufficient-length-and-variety-0123456789-abc\n")
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECRET_KEY, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="careerpath.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "a-kept-secret-key-of-sufficient-length-and-variety-0123456789-abc",
        "False",
        "False",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_the_embedded_database_is_configured_for_several_people_at_once():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="careerpath.settings",
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "journal_mode=WAL" in result.stdout
    assert "'timeout': 20" in result.stdout
