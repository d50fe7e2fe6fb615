import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from smk.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["maybe", "2", "tak"])
def test_a_misspelt_boolean_stops_the_process_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", default=False)


def test_booleans_accept_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG", default=not expected) is expected


def test_a_non_numeric_port_is_refused(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "smtp")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)


def test_an_empty_host_in_the_list_is_refused(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "smk.example.pl,,")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [])


def _manage(*args, **env):
    # Only what a production host would have: none of the test settings' relaxations.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "DATABASE_URL") if k in os.environ}
    base["DJANGO_SETTINGS_MODULE"] = "smk.settings"
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k8Jd0-production-like-secret-3mZp9vQw7xR2tY5uI1oP4aS6dF8gH0jK",
        ALLOWED_HOSTS="smk.example.gov.pl",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_models_and_migrations_agree_checked_without_any_secret():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = _manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip() == "False", result.stderr


PRODUCTION = {
    "SECRET_KEY": "k8Jd0-production-like-secret-3mZp9vQw7xR2tY5uI1oP4aS6dF8gH0jK",
    "ALLOWED_HOSTS": "smk.example.gov.pl",
}


def _settings_of(script, **env):
    result = _manage("shell", "-v0", "-c", script, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


CACHE_BACKENDS = (
    "import json; from django.conf import settings; "
    "print(json.dumps({alias: c['BACKEND'] for alias, c in settings.CACHES.items()}))"
)


def test_without_redis_the_default_cache_is_shared_by_every_process_never_local_memory():
    backends = _settings_of(CACHE_BACKENDS)
    assert backends["default"] == "django.core.cache.backends.db.DatabaseCache"
    redis = _settings_of(CACHE_BACKENDS, REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis["default"] == "smk.cache.FailSafeRedisCache"  # RedisCache that outlives Redis


def test_migrate_alone_creates_the_table_of_the_default_cache(tmp_path):
    script = (
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "from django.core.cache import cache; cache.set('probe', 7); "
        "import json; print(json.dumps(cache.get('probe')))"
    )
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert _settings_of(script, DATABASE_URL=database) == 7


CLIENT_ADDRESS = (
    "import json; from allauth import app_settings as a; "
    "print(json.dumps([a.TRUSTED_PROXY_COUNT, a.TRUSTED_CLIENT_IP_HEADER]))"
)


def test_the_client_address_comes_from_the_proxy_only_when_configured():
    assert _settings_of(CLIENT_ADDRESS) == [0, None]
    assert _settings_of(CLIENT_ADDRESS, TRUSTED_PROXY_COUNT="1") == [1, None]
    assert _settings_of(CLIENT_ADDRESS, TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == [0, "X-Real-IP"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT='one' is not an integer"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more"),
        (
            {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            "not both",
        ),
    ],
)
def test_a_wrong_trusted_proxy_setting_stops_the_process(env, message):
    result = _manage("check", **PRODUCTION, **env)
    assert result.returncode != 0
    assert message in result.stderr
