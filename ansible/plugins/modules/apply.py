#!/usr/bin/python
"""Ansible module: one shop's SMS gateway converged with `sms-tui apply - --json`.

The answers go to sms-tui on its standard input as JSON, so no file holding them stays on the
shop; the secret travels as a `no_log` option into sms-tui's environment, never in the answers
or the command line. Check mode is `--dry-run` (the credentials are still checked, a `test=1` send
costs nothing); diff mode shows sms-tui's masked before/after. A converge with unchanged answers
sends no SMS and writes nothing (`changed: false`), even after SMSAPI's 24-hour check_idx window.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: apply
short_description: Connect a shop's software to the SMSAPI SMS gateway with sms-tui
version_added: 0.1.0
author: sms-tui developers (@sms-tui)
description:
  - Runs C(sms-tui apply -) with the answers as JSON on standard input and reports what changed.
  - The first run (and any change of account, secret, sender or test number) sends one real test SMS;
    later runs with the same answers send none and leave the settings file untouched.
  - In check mode it runs C(sms-tui apply - --dry-run) (the credentials are checked, nothing is written
    and no SMS is paid for); on a shop where sms-tui is not installed yet it reports what would be
    installed and sent, and fails nothing.
notes:
  - The secret goes to sms-tui in its environment, never on the command line or in the answers.
  - The role P(sms_tui.gateway.shop#role) installs the single file and runs this module with inventory variables.
options:
  answers:
    description: The answers file's tables (account, sender, test, alerts, files) as a dictionary, without the secret.
    type: dict
    required: true
  password_md5:
    description: The API password as MD5 (SMSAPI's panel, API settings).
    type: str
  password:
    description: The plain API password (hashed by sms-tui, never stored).
    type: str
  token:
    description: An OAuth token instead of a password.
    type: str
  config:
    description: The settings file (default as sms-tui chooses it; as root /etc/sms-tui/smsapi.toml).
    type: path
  api_url:
    description: Another SMSAPI address (a proxy, the sandbox).
    type: str
  retest:
    description: Send a new real test SMS even when the saved one was made with the same account, sender and number.
    type: bool
    default: false
  wait:
    description: Follow the test SMS to the phone for up to this many seconds (exit 7 not delivered, 8 not confirmed).
    type: float
  lang:
    description: The language of sms-tui's messages.
    type: str
    choices: [pl, en]
    default: pl
  executable:
    description: How sms-tui is started, as an argument list (e.g. [/usr/local/bin/sms-tui-1.0-py311.pyz]).
    type: list
    elements: str
    default: [sms-tui]
attributes:
  check_mode:
    support: full
    description: Runs C(sms-tui apply --dry-run); a shop without sms-tui yet reports what would be done.
  diff_mode:
    support: full
    description: The changed settings keys before and after, secrets masked.
"""

EXAMPLES = r"""
- name: Connect the shop to SMSAPI (one real test SMS the first time)
  sms_tui.gateway.apply:
    executable: [/usr/local/bin/sms-tui]
    config: /etc/sms-tui/smsapi.toml
    password_md5: "{{ vault_smsapi_md5 }}"
    answers:
      account: {platform: pl, username: warsztat@example.pl}
      sender: {mode: pro, name: Warsztat}
      test: {to: "600100200"}
      alerts: {low_balance: 20, notify_to: "600100200", watch: hourly}
      files: {group: shop}
  register: gateway

- name: The same against the sandbox, without waiting for the phone
  sms_tui.gateway.apply:
    api_url: http://127.0.0.1:8765/pl/
    password_md5: "{{ vault_smsapi_md5 }}"
    answers:
      account: {username: demo}
      sender: {mode: eco}
      test: {to: "500000001"}
"""

RETURN = r"""
changed:
  description: The settings, the timer or the test SMS changed (in check mode, would change).
  returned: always
  type: bool
changes:
  description: "sms-tui's masked difference per settings key: C({key: {before: ..., after: ...}})."
  returned: always
  type: dict
  sample: {alerts.low_balance: {before: 0.0, after: 5.0}}
diff:
  description: In diff mode, the changed keys before and after as text, secrets masked.
  returned: when diff mode is on and something would change
  type: dict
settings:
  description: The settings as saved, secrets masked.
  returned: when sms-tui is installed
  type: dict
message_id:
  description: The test SMS's id at SMSAPI, the new one or the one kept in the settings' verified table.
  returned: when a test SMS was sent or kept
  type: str
rc:
  description: "sms-tui's exit code: 0 ok, 2 answers, 3 unreachable, 4 credentials refused, 5 refused."
  returned: always
  type: int
exit_name:
  description: The name of sms-tui's exit code (for example C(credentials)).
  returned: when sms-tui is installed
  type: str
steps:
  description: Every step sms-tui reported, each with its message.
  returned: always
  type: list
  elements: dict
"""

import json
import shutil

from ansible.module_utils.basic import AnsibleModule

SECRETS = {"password_md5": "SMSAPI_PASSWORD_MD5", "password": "SMSAPI_PASSWORD", "token": "SMSAPI_TOKEN"}


def _argv(params: dict, check_mode: bool) -> list[str]:
    argv = [*params["executable"], "apply", "-", "--json", "--lang", params["lang"]]
    if params["config"]:
        argv += ["--config", params["config"]]
    if params["api_url"]:
        argv += ["--api-url", params["api_url"]]
    if params["retest"]:
        argv.append("--retest")
    if check_mode:
        argv.append("--dry-run")
    elif params["wait"] is not None:
        argv += ["--wait", str(params["wait"])]
    return argv


def _as_text(diff: dict) -> tuple[str, str]:
    def lines(side: str) -> str:
        return "".join(f"{key} = {json.dumps(change[side], ensure_ascii=False)}\n" for key, change in sorted(diff.items())
                       if change.get(side) is not None)

    return lines("before"), lines("after")


def _message_id(steps: list) -> str | None:
    return next((s.get("message_id") for s in steps if s.get("step") == "test_send" and s.get("message_id")), None)


def _flat(answers: dict) -> dict:
    return {f"{table}.{key}": value for table, keys in sorted(answers.items()) if isinstance(keys, dict)
            for key, value in sorted(keys.items())}


def _not_installed(module: AnsibleModule, program: str) -> None:
    """A shop without sms-tui yet: check mode says what a real run would install and send; a real run stops."""
    answers = module.params["answers"]
    if not module.check_mode:
        module.fail_json(msg=f"sms-tui not found: {program}. Install it first (the role sms_tui.gateway.shop copies "
                             "the single file), then run again.", rc=127, steps=[], changes={})
    to = (answers.get("test") or {}).get("to")
    account = (answers.get("account") or {}).get("username")
    msg = f"sms-tui is not installed at {program} yet: a real run installs it, connects the shop as {account}"
    msg += f" and sends one test SMS to {to}." if to else "."
    changes = {key: {"before": None, "after": value} for key, value in _flat(answers).items()}
    report = {"rc": 0, "steps": [], "changes": changes, "message_id": None, "msg": msg}
    if module._diff:
        _, after = _as_text(changes)
        where = module.params["config"] or "sms-tui settings"
        report["diff"] = {"before": "", "after": after, "before_header": where, "after_header": where}
    module.exit_json(changed=True, **report)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "answers": {"type": "dict", "required": True},
            "password_md5": {"type": "str", "no_log": True},
            "password": {"type": "str", "no_log": True},
            "token": {"type": "str", "no_log": True},
            "config": {"type": "path"},
            "api_url": {"type": "str"},
            "retest": {"type": "bool", "default": False},
            "wait": {"type": "float"},
            "lang": {"type": "str", "choices": ["pl", "en"], "default": "pl"},
            "executable": {"type": "list", "elements": "str", "default": ["sms-tui"]},
        },
        mutually_exclusive=[("password_md5", "password", "token")],
        supports_check_mode=True,
    )
    params = module.params
    if not params["executable"] or shutil.which(params["executable"][0]) is None:
        _not_installed(module, (params["executable"] or ["sms-tui"])[0])
    env = {var: params[key] for key, var in SECRETS.items() if params[key]}
    rc, out, err = module.run_command(_argv(params, module.check_mode), data=json.dumps(params["answers"]),
                                      environ_update=env, check_rc=False)
    try:
        result = json.loads(out)
    except ValueError:
        module.fail_json(msg=(err or out).strip() or f"sms-tui exited {rc} without a report", rc=rc)
    steps = result.get("steps", [])
    changed = bool(result.get("would_change") if module.check_mode else result.get("changed"))
    changes = result.get("diff", {})
    report = {"rc": rc, "steps": steps, "settings": result.get("settings"), "changes": changes,
              "message_id": _message_id(steps), "exit_name": result.get("exit_name")}
    if rc != 0:
        failed = [s["message"] for s in steps if s.get("ok") is False] or [(err or out).strip()]
        module.fail_json(msg=" ".join(failed), changed=changed, **report)
    if module._diff and changes:  # Ansible's --diff: the masked keys before and after
        before, after = _as_text(changes)
        where = params["config"] or "sms-tui settings"
        report["diff"] = {"before": before, "after": after, "before_header": where, "after_header": where}
    module.exit_json(changed=changed, **report)


if __name__ == "__main__":
    main()
