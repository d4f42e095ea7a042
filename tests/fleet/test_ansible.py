"""The roll-out a technician writes for many shops, run by a real `ansible-playbook` (ansible-core
from `.ci/run`, outside the project's venv: ANSIBLE_PLAYBOOK names it; without it this module
skips, except in CI where it fails) against two shops on localhost and the sandbox, through the
repo's module `ansible/library/sms_tui_apply.py`:

1. the first run changes both shops with one real test SMS each and runs the restart handler;
2. the second sends nothing, leaves both files as they were (inode and mtime) and reports ok;
3. a third, after the sandbox's clock passed SMSAPI's 24-hour check_idx window: still nothing;
4. `--check` with a changed answer reports changed and touches nothing; `--diff` shows the masked change;
5. a refused password fails that shop with sms-tui's message; the other shop goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5

ROOT = Path(__file__).parents[2]
PLAYBOOK = os.environ.get("ANSIBLE_PLAYBOOK", "")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PLAYBOOK and not os.environ.get("CI"), reason="ansible-playbook not installed (ANSIBLE_PLAYBOOK)")]

PLAY = """
- hosts: shops
  gather_facts: false
  tasks:
    - name: SMS gateway
      sms_tui_apply:
        executable: {executable}
        api_url: "{{{{ api_url }}}}"
        config: "{{{{ config }}}}"
        password_md5: "{{{{ md5 }}}}"
        lang: en
        answers:
          account: {{username: demo}}
          sender: {{mode: eco}}
          test: {{to: "{{{{ test_to }}}}"}}
          alerts: {{low_balance: "{{{{ low_balance | default(0) | int }}}}"}}
      register: gateway
      notify: restart shop
  handlers:
    - name: restart shop
      ansible.builtin.shell: echo restarted >> "{{{{ config }}}}.restarts"
"""


def _inventory(folder: Path, sandbox: Sandbox) -> Path:
    hosts = {}
    for shop, number in (("shop1", "500000001"), ("shop2", "500000002")):
        hosts[shop] = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                       "config": str(folder / shop / "smsapi.toml"), "test_to": number}
    inventory = folder / "inventory.json"
    inventory.write_text(json.dumps({"shops": {"hosts": hosts, "vars": {"api_url": sandbox.url, "md5": DEMO_MD5}}}))
    return inventory


def _play(folder: Path, inventory: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    if not PLAYBOOK:
        pytest.fail("ANSIBLE_PLAYBOOK is not set: .ci/run installs ansible-core and names it")
    env = {**os.environ, "ANSIBLE_LIBRARY": str(ROOT / "ansible" / "library"), "ANSIBLE_STDOUT_CALLBACK": "record",
           "ANSIBLE_CALLBACK_PLUGINS": str(Path(__file__).with_name("callback")),
           "ANSIBLE_LOCAL_TEMP": str(folder / "tmp"), "ANSIBLE_HOME": str(folder / "ansible-home"),
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORKS": "2", "ANSIBLE_DEPRECATION_WARNINGS": "0",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}  # ansible refuses a locale the machine lacks (the tests set pl_PL)
    done = subprocess.run([PLAYBOOK, "-i", str(inventory), str(folder / "play.yml"), *extra], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    try:
        return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pytest.fail(f"ansible-playbook said no JSON (rc {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")


def _results(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return next(task["hosts"] for task in report["tasks"] if task["name"] == "SMS gateway")


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {shop: (os.stat(folder / shop / "smsapi.toml").st_ino, os.stat(folder / shop / "smsapi.toml").st_mtime_ns)
            for shop in ("shop1", "shop2")}


def _restarts(folder: Path, shop: str) -> int:
    marker = folder / shop / "smsapi.toml.restarts"
    return len(marker.read_text().splitlines()) if marker.exists() else 0


def test_a_fleet_converges_without_a_new_paid_sms(tmp_path: Path, sandbox: Sandbox) -> None:
    executable = json.dumps([sys.executable, "-m", "sms_tui"])
    (tmp_path / "play.yml").write_text(PLAY.format(executable=executable))
    inventory = _inventory(tmp_path, sandbox)

    code, first = _play(tmp_path, inventory)
    assert code == 0, first["stats"]
    assert {h: s["changed"] for h, s in first["stats"].items()} == {"shop1": 2, "shop2": 2}  # the module and the handler
    assert sorted(m.to for m in sandbox.outbox) == ["48500000001", "48500000002"]
    assert all(r["message_id"] and r["changes"]["account.password_md5"]["after"] == "••••••••29" for r in _results(first).values())
    assert DEMO_MD5 not in json.dumps(first)
    stamps = _stamps(tmp_path)

    code, second = _play(tmp_path, inventory)
    assert code == 0 and {h: s["changed"] for h, s in second["stats"].items()} == {"shop1": 0, "shop2": 0}
    assert len(sandbox.outbox) == 2 and _stamps(tmp_path) == stamps

    httpx.post(f"{sandbox.url}__sandbox/clock", json={"advance": 25 * 3600}, timeout=10).raise_for_status()
    code, third = _play(tmp_path, inventory)
    assert code == 0 and {h: s["changed"] for h, s in third["stats"].items()} == {"shop1": 0, "shop2": 0}
    assert len(sandbox.outbox) == 2 and _stamps(tmp_path) == stamps
    assert (_restarts(tmp_path, "shop1"), _restarts(tmp_path, "shop2")) == (1, 1)

    code, checked = _play(tmp_path, inventory, "--check", "--diff", "-e", "low_balance=5")
    assert code == 0 and {h: s["changed"] for h, s in checked["stats"].items()} == {"shop1": 1, "shop2": 1}
    result = _results(checked)["shop1"]
    assert result["changes"] == {"alerts.low_balance": {"before": 0.0, "after": 5.0}}
    assert result["diff"]["before"] == "alerts.low_balance = 0.0\n" and result["diff"]["after"] == "alerts.low_balance = 5.0\n"
    assert len(sandbox.outbox) == 2 and _stamps(tmp_path) == stamps and _restarts(tmp_path, "shop1") == 1

    code, refused = _play(tmp_path, inventory, "-e", '{"md5": "' + "0" * 32 + '"}', "--limit", "shop2")
    assert code != 0 and refused["stats"]["shop2"]["failures"] == 1
    failed = _results(refused)["shop2"]
    assert (failed["rc"], failed["exit_name"]) == (4, "credentials") and failed["msg"].startswith("Credentials refused")


def test_one_refused_shop_does_not_stop_the_others(tmp_path: Path, sandbox: Sandbox) -> None:
    executable = json.dumps([sys.executable, "-m", "sms_tui"])
    (tmp_path / "play.yml").write_text(PLAY.format(executable=executable))
    inventory = _inventory(tmp_path, sandbox)
    data = json.loads(inventory.read_text())
    data["shops"]["hosts"]["shop2"]["md5"] = "0" * 32  # a password the panel no longer has
    inventory.write_text(json.dumps(data))
    code, report = _play(tmp_path, inventory)
    assert code != 0
    assert report["stats"]["shop1"]["failures"] == 0 and report["stats"]["shop1"]["changed"] == 2
    assert report["stats"]["shop2"]["failures"] == 1
    assert _results(report)["shop2"]["rc"] == 4 and [m.to for m in sandbox.outbox] == ["48500000001"]
    assert not (tmp_path / "shop2" / "smsapi.toml").exists()


def test_the_example_roll_out_is_a_valid_playbook(tmp_path: Path) -> None:
    """ansible/site.yml, as the README shows it, parses with the repo's module."""
    if not PLAYBOOK:
        pytest.fail("ANSIBLE_PLAYBOOK is not set: .ci/run installs ansible-core and names it")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[shops]\nshop1 ansible_connection=local\n")
    env = {**os.environ, "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    done = subprocess.run([PLAYBOOK, "--syntax-check", "-i", str(inventory), str(ROOT / "ansible" / "site.yml")],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
