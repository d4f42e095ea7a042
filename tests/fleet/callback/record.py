"""A stdout callback for the fleet test: every task's result per host and the recap, as one JSON
object at the end (ansible-core 2.19 no longer ships a JSON callback; ansible.posix's would need
Galaxy). Loaded by ansible-playbook from ANSIBLE_CALLBACK_PLUGINS, never by pytest."""

from __future__ import annotations

import json
from typing import Any

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):  # type: ignore[misc]  # ansible is not in the test venv
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "record"

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[dict[str, Any]] = []

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        self.tasks.append({"name": task.get_name(), "hosts": {}})

    def v2_playbook_on_handler_task_start(self, task: Any) -> None:
        self.tasks.append({"name": task.get_name(), "hosts": {}})

    def _record(self, result: Any, **extra: Any) -> None:
        self.tasks[-1]["hosts"][result._host.get_name()] = {**result._result, **extra}

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats: Any) -> None:
        recap = {host: stats.summarize(host) for host in sorted(stats.processed)}
        self._display.display(json.dumps({"tasks": self.tasks, "stats": recap}, default=str))
