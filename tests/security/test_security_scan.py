"""scripts/security-scan decides CI's verdict: a high-severity finding fails it (exit 1), an
advisory database that cannot be reached is told apart (exit 2, "NOT COMPLETE"), and clean code
passes (exit 0). bandit runs for real on files written here; pip-audit and npm are stand-ins
that print what the real tools print in each case (this machine reaches no advisory data)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "security-scan"
UNAUDITED = "foo  Dependency not found on PyPI and could not be audited"
NPM_HIGH = "lodash  <4.17.21\nSeverity: high\n1 high severity vulnerability"


def scan(steps: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "SECURITY_SCAN_STEPS": steps, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stand_in(tmp_path: Path, name: str, output: str, exit_code: int) -> str:
    tool = tmp_path / name
    tool.write_text(f"#!/bin/sh\ncat <<'OUT'\n{output}\nOUT\nexit {exit_code}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return str(tool)


def test_bandit_fails_ci_on_a_high_severity_finding(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "run.py").write_text(
        "import subprocess\n\n\ndef run(name):\n"
        "    return subprocess.call('ls ' + name, shell=True)\n"
    )
    result = scan("bandit", SECURITY_SCAN_PATHS=str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "B602" in result.stdout
    assert "FINDINGS" in result.stdout


def test_our_code_is_bandit_clean() -> None:
    result = scan("bandit")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("output", "exit_code", "expected"),
    [
        ("Found 1 known vulnerability in 1 package\nName Version ID\njinja2 2.0 GHSA-x", 1, 1),
        (f"No known vulnerabilities found\n{UNAUDITED}", 0, 2),
        ("No known vulnerabilities found", 0, 0),
        ("ERROR: the vulnerability service answered 500", 1, 1),
    ],
    ids=["finding", "unreached", "clean", "service-error"],
)
def test_pip_audit_verdicts(tmp_path: Path, output: str, exit_code: int, expected: int) -> None:
    tool = stand_in(tmp_path, "pip-audit", output, exit_code)
    result = scan("pip-audit", PIP_AUDIT=tool)
    assert result.returncode == expected, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("output", "exit_code", "expected"),
    [
        (f"# npm audit report\n{NPM_HIGH}", 1, 1),
        ("npm error audit endpoint returned an error", 1, 2),
        ("found 0 vulnerabilities", 0, 0),
    ],
    ids=["finding", "unreached", "clean"],
)
def test_npm_audit_verdicts(tmp_path: Path, output: str, exit_code: int, expected: int) -> None:
    tool = stand_in(tmp_path, "npm", output, exit_code)
    result = scan("npm", NPM=tool)
    assert result.returncode == expected, result.stdout + result.stderr
