"""Start-up refuses bad configuration with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


def run_python(*args, **env):
    """Python in a fresh process at the project's root, in a clean environment and `env`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "PERSONAL_DATA_KEYS"}
    }
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="false")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is required when DEBUG is off"
    ]


@pytest.mark.parametrize("url", ["not a url", "postgres://", "mysqlx://u@h/db"])
def test_it_refuses_an_unparsable_database_url(url):
    result = run_manage("check", DEBUG="true", DATABASE_URL=url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: DATABASE_URL")


def test_it_refuses_a_debug_value_it_does_not_understand():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode == 1
    assert "DEBUG must be true or false" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="x7$Kq!2vLp9@Zr4#Tn8^Wm3&Yb6*Hc1(Jd5)Fg0-Se+Ua=Ov_Ei~Rl",
        PERSONAL_DATA_KEYS="q3!Zr8#Lp2@Vn6^Tm9&Kc4*Hb7(Jd1)Fg5-Se0",
        ALLOWED_HOSTS="juwei.example.cn",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_asks_for_the_personal_data_key():
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="x7$Kq!2vLp9@Zr4#Tn8^Wm3&Yb6*Hc1(Jd5)Fg0-Se+Ua=Ov_Ei~Rl",
        ALLOWED_HOSTS="juwei.example.cn",
    )
    assert result.returncode == 1
    assert "juwei.E001" in result.stderr
