"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys


def run_liaison(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks_without_warnings(tmp_path):
    result = run_liaison(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-and-random-production-secret-" + "y" * 20,
        ALLOWED_HOSTS="liaison.example.org",
        LIAISON_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_keeps_a_secret_key_in_the_data_folder(tmp_path):
    env = {"LIAISON_DATA_DIR": str(tmp_path), "SECRET_KEY": ""}
    first = run_liaison(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
    )
    second = run_liaison(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").exists()


def test_the_embedded_sqlite_runs_in_wal_mode_with_durable_commits(tmp_path):
    script = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    result = run_liaison("shell", "-v", "0", "-c", script, LIAISON_DATA_DIR=str(tmp_path))
    assert result.stdout.split() == ["wal", "2"], result.stderr


def test_every_stylesheet_and_script_of_the_base_page_is_found_locally():
    """Intranets have no internet: base.html's assets come from the app and npm packages."""
    import re

    from django.conf import settings
    from django.contrib.staticfiles import finders

    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    assets = re.findall(r"{% static '([^']+)' %}", base)
    assert "liaison/liaison.css" in assets
    for asset in assets:
        assert finders.find(asset), f"{asset} is not found by the static files finders"
    assert "http://" not in base and "https://" not in base


SEND_MAIL = (
    "from django.core.mail import send_mail; "
    "send_mail('Demo subject', 'Body', 'a@example.org', ['b@example.org'])"
)


def test_mail_in_debug_without_a_mail_server_is_written_to_the_data_folder(tmp_path):
    env = {"LIAISON_DATA_DIR": str(tmp_path), "DEBUG": "1", "EMAIL_URL": ""}
    result = run_liaison("shell", "-v", "0", "-c", SEND_MAIL, **env)
    assert result.returncode == 0, result.stderr
    assert "Demo subject" not in result.stdout
    (written,) = (tmp_path / "outbox-mail").iterdir()
    assert "Subject: Demo subject" in written.read_text()


def test_mail_without_debug_or_a_mail_server_is_printed(tmp_path):
    env = {"LIAISON_DATA_DIR": str(tmp_path), "DEBUG": "0", "EMAIL_URL": ""}
    result = run_liaison("shell", "-v", "0", "-c", SEND_MAIL, **env)
    assert result.returncode == 0, result.stderr
    assert "Subject: Demo subject" in result.stdout
    assert not (tmp_path / "outbox-mail").exists()
