"""The roll-out a technician writes for many shops, run by a real `ansible-playbook` with the
collection's own playbook (`sms_tui.gateway.site`, the role `shop`), installed from the built
collection, against two shops on localhost and the sandbox. Every path and the SMSAPI address come
from group_vars and host vars beside the inventory, as a chain sets them:

1. the first run installs the file, changes both shops with one real test SMS each, runs the restart handler;
2. the second, after the sandbox's clock passed SMSAPI's 24-hour check_idx window, sends nothing,
   leaves both files as they were (inode and mtime) and reports changed=0;
3. `--check --diff` with a changed answer reports changed and touches nothing; the diff is masked;
4. a refused password fails that shop with sms-tui's message; the other shop goes on;
5. `--check --diff` on a shop without sms-tui yet: rc 0, what would be installed and sent.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.fleet.conftest import Collection, ansible_env, run

pytestmark = pytest.mark.slow


def _shops(folder: Path, sandbox: Sandbox, *, md5: str = DEMO_MD5) -> Path:
    """An inventory folder as a chain keeps it: inventory.yml with the shops, group_vars/shops/ with the rest."""
    stand_in = folder / "dist" / "sms-tui"  # the single file's stand-in: this checkout's sms-tui
    stand_in.parent.mkdir(parents=True)
    stand_in.write_text(f'#!/bin/sh\nexec {sys.executable} -m sms_tui "$@"\n')
    hosts = {}
    for shop, number in (("shop1", "500000001"), ("shop2", "500000002")):
        where = folder / shop
        hosts[shop] = {"ansible_connection": "local", "ansible_become": False, "ansible_python_interpreter": sys.executable,
                       "shop_sms_tui": str(where / "bin" / "sms-tui"), "shop_config": str(where / "etc" / "smsapi.toml"),
                       "shop_test_phone": number,
                       "shop_restart_command": ["sh", "-c", f"echo restarted >> {where}/restarts"]}
    (folder / "inventory.yml").write_text(json.dumps({"shops": {"hosts": hosts}}))
    group_vars = folder / "group_vars" / "shops"
    group_vars.mkdir(parents=True)
    (group_vars / "main.yml").write_text(json.dumps({
        "shop_sms_tui_pyz": "{{ inventory_dir }}/dist/sms-tui", "shop_api_url": sandbox.url, "shop_smsapi_username": "demo",
        "shop_smsapi_md5": md5, "shop_lang": "en", "shop_watch": "off", "shop_low_balance": 0}))
    for shop in ("shop1", "shop2"):
        (folder / shop / "bin").mkdir(parents=True)
    return folder / "inventory.yml"


def _play(collection: Collection, folder: Path, inventory: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    env = {**ansible_env(folder, collection.path), "ANSIBLE_STDOUT_CALLBACK": "record",
           "ANSIBLE_CALLBACK_PLUGINS": str(Path(__file__).with_name("callback"))}
    done = run([str(collection.bin / "ansible-playbook"), "-i", str(inventory), "sms_tui.gateway.site", *extra], env)
    try:
        return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pytest.fail(f"ansible-playbook said no JSON (rc {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")


def _results(report: dict[str, Any], task: str = "Connect the shop") -> dict[str, dict[str, Any]]:
    return next(t["hosts"] for t in report["tasks"] if t["name"].split(" : ")[-1].startswith(task))


def _changed(report: dict[str, Any]) -> dict[str, int]:
    return {host: stats["changed"] for host, stats in report["stats"].items()}


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    stats = {shop: os.stat(folder / shop / "etc" / "smsapi.toml") for shop in ("shop1", "shop2")}
    return {shop: (st.st_ino, st.st_mtime_ns) for shop, st in stats.items()}


def _restarts(folder: Path, shop: str) -> int:
    marker = folder / shop / "restarts"
    return len(marker.read_text().splitlines()) if marker.exists() else 0


def test_a_fleet_converges_without_a_new_paid_sms(tmp_path: Path, sandbox: Sandbox, collection: Collection) -> None:
    inventory = _shops(tmp_path, sandbox)

    code, first = _play(collection, tmp_path, inventory)
    assert code == 0, first["stats"]
    assert _changed(first) == {"shop1": 3, "shop2": 3}  # the copy, the module, the handler
    assert sorted(m.to for m in sandbox.outbox) == ["48500000001", "48500000002"]
    results = _results(first)
    assert all(r["message_id"] and r["changes"]["account.password_md5"]["after"] == "••••••••29" for r in results.values())
    assert all(r["settings"]["account"]["api_url"] == sandbox.url for r in results.values())  # from group_vars
    assert DEMO_MD5 not in json.dumps(first)
    assert all(r["rc"] == 0 for r in _results(first, "Check the gateway").values())
    stamps = _stamps(tmp_path)

    # The second run a day later, past SMSAPI's 24-hour check_idx window: what keeps it from a new
    # paid SMS is the shop's own file, not SMSAPI's memory of the idx (within the day, both would).
    httpx.post(f"{sandbox.url}__sandbox/clock", json={"advance": 25 * 3600}, timeout=10).raise_for_status()
    code, second = _play(collection, tmp_path, inventory)
    assert code == 0 and _changed(second) == {"shop1": 0, "shop2": 0}, second["stats"]
    assert len(sandbox.outbox) == 2 and _stamps(tmp_path) == stamps
    assert (_restarts(tmp_path, "shop1"), _restarts(tmp_path, "shop2")) == (1, 1)

    code, checked = _play(collection, tmp_path, inventory, "--check", "--diff", "-e", "shop_low_balance=5")
    assert code == 0 and _changed(checked) == {"shop1": 1, "shop2": 1}
    result = _results(checked)["shop1"]
    assert result["changes"] == {"alerts.low_balance": {"before": 0.0, "after": 5.0}}
    assert result["diff"]["before"] == "alerts.low_balance = 0.0\n" and result["diff"]["after"] == "alerts.low_balance = 5.0\n"
    assert len(sandbox.outbox) == 2 and _stamps(tmp_path) == stamps and _restarts(tmp_path, "shop1") == 1


def test_a_chain_gives_each_shop_its_own_capped_login_and_never_the_main_secret(tmp_path: Path, sandbox: Sandbox,
                                                                               collection: Collection) -> None:
    """shop_subuser_points_per_month: the controller makes each shop's subuser with the head office's
    token (once), the shop is configured with the subuser's login only, and a second run changes nothing."""
    inventory = _shops(tmp_path, sandbox)
    head_office = tmp_path / "head-office.toml"
    (tmp_path / "dist" / "sms-tui").chmod(0o755)  # the controller's own sms-tui
    (tmp_path / "main.toml").write_text('[account]\ntoken = "demo-token"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n')
    assert run([str(tmp_path / "dist" / "sms-tui"), "apply", str(tmp_path / "main.toml"), "--api-url", sandbox.url, "--config", str(head_office)],
               dict(os.environ)).returncode == 0
    group_vars = tmp_path / "group_vars" / "shops" / "main.yml"
    chain = {key: value for key, value in json.loads(group_vars.read_text()).items() if key not in ("shop_smsapi_username", "shop_smsapi_md5")}
    group_vars.write_text(json.dumps({**chain, "shop_subuser_points_per_month": 1.0, "shop_chain_config": str(head_office),
                                      "shop_chain_sms_tui": "{{ inventory_dir }}/dist/sms-tui"}))
    sandbox.state.outbox.clear()

    code, first = _play(collection, tmp_path, inventory)
    assert code == 0, [(t["name"], h, r.get("msg"), r.get("stderr")) for t in first["tasks"] for h, r in t["hosts"].items() if r.get("failed")]
    subusers = {name: a for name, a in sandbox.state.accounts.items() if a.parent == "demo"}
    assert sorted(subusers) == ["shop1", "shop2"] and all(a.per_month == 1.0 for a in subusers.values())
    assert sorted((m.username, m.to) for m in sandbox.outbox) == [("shop1", "48500000001"), ("shop2", "48500000002")]  # each its own login
    for shop in ("shop1", "shop2"):
        for path in (tmp_path / shop).rglob("*"):
            if path.is_file() and path.name != "sms-tui":
                assert "demo-token" not in path.read_text(errors="replace"), path  # the main account's secret never on a shop
    assert (tmp_path / "subusers" / "shop1.toml").stat().st_mode & 0o777 == 0o600
    assert "demo-token" not in json.dumps(first)

    code, second = _play(collection, tmp_path, inventory)
    assert code == 0 and _changed(second) == {"shop1": 0, "shop2": 0}, second["stats"]
    assert len([a for a in sandbox.state.accounts.values() if a.parent == "demo"]) == 2 and len(sandbox.outbox) == 2


def test_one_refused_shop_does_not_stop_the_others(tmp_path: Path, sandbox: Sandbox, collection: Collection) -> None:
    inventory = _shops(tmp_path, sandbox)
    data = json.loads(inventory.read_text())
    data["shops"]["hosts"]["shop2"]["shop_smsapi_md5"] = "0" * 32  # a password the panel no longer has
    inventory.write_text(json.dumps(data))
    code, report = _play(collection, tmp_path, inventory)
    assert code != 0
    assert report["stats"]["shop1"]["failures"] == 0 and report["stats"]["shop1"]["changed"] == 3
    assert report["stats"]["shop2"]["failures"] == 1
    failed = _results(report)["shop2"]
    assert (failed["rc"], failed["exit_name"]) == (4, "credentials") and failed["msg"].startswith("Credentials refused")
    assert [m.to for m in sandbox.outbox] == ["48500000001"]
    assert not (tmp_path / "shop2" / "etc" / "smsapi.toml").exists()


def test_the_preview_on_shops_without_sms_tui_says_what_would_happen(tmp_path: Path, sandbox: Sandbox,
                                                                     collection: Collection) -> None:
    inventory = _shops(tmp_path, sandbox)
    code, preview = _play(collection, tmp_path, inventory, "--check", "--diff")
    assert code == 0, preview["stats"]
    assert all(s["failures"] == 0 and s["changed"] == 2 for s in preview["stats"].values())  # would copy, would connect
    result = _results(preview)["shop1"]
    assert result["msg"] == (f"sms-tui is not installed at {tmp_path}/shop1/bin/sms-tui yet: a real run installs it, "
                             "connects the shop as demo and sends one test SMS to 500000001.")
    assert "test.to = \"500000001\"\n" in result["diff"]["after"] and result["diff"]["before"] == ""
    assert not sandbox.outbox and not (tmp_path / "shop1" / "bin" / "sms-tui").exists()
    assert not (tmp_path / "shop1" / "etc").exists() and _restarts(tmp_path, "shop1") == 0


def test_the_example_inventory_is_a_valid_roll_out(tmp_path: Path, collection: Collection) -> None:
    """ansible/examples/ (inventory and group_vars), as the docs show them, with the collection's playbook."""
    env = ansible_env(tmp_path, collection.path)
    examples = Path(__file__).parents[2] / "ansible" / "examples"
    done = run([str(collection.bin / "ansible-playbook"), "--syntax-check", "-i", str(examples / "inventory.yml"),
                "sms_tui.gateway.site"], env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    listed = run([str(collection.bin / "ansible-inventory"), "-i", str(examples / "inventory.yml"), "--list"], env)
    hostvars = json.loads(listed.stdout)["_meta"]["hostvars"]
    assert hostvars["warsztat-gdansk"]["shop_sms_tui_pyz"].endswith("py39.pyz")  # a host overrides its group
    assert hostvars["warsztat-krakow"]["shop_sms_tui_pyz"].endswith("py311.pyz")
