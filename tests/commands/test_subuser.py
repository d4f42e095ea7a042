"""A chain's caps at SMSAPI: a subuser made through the sandbox with 1.0 point a month sends what
that point buys at the sandbox's prices and is refused the next SMS; the shop configured with its
answers file by `apply` holds no secret of the main account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from sms_tui.sandbox.accounts import PRICE
from tests.conftest import DEMO_MD5

MAIN = '[account]\ntoken = "demo-token"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n'


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_subuser_with_one_point_a_month_sends_what_it_buys_and_no_more(tmp_path: Path, sandbox: Sandbox,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    head_office = tmp_path / "head-office.toml"
    (tmp_path / "main.toml").write_text(MAIN)
    assert main(["apply", str(tmp_path / "main.toml"), "--api-url", sandbox.url, "--config", str(head_office)]) == ExitCode.OK
    answers = tmp_path / "sklep-7.toml"
    code, made = _json(capsys, "subuser", "add", "sklep-7", "--points-per-month", "1.0", "--answers-out", str(answers),
                       "--test-to", "500000000", "--api-url", sandbox.url, "--config", str(head_office))
    assert code == ExitCode.OK, made
    assert answers.stat().st_mode & 0o777 == 0o600
    code, shown = _json(capsys, "subuser", "show", "sklep-7", "--api-url", sandbox.url, "--config", str(head_office))
    assert code == ExitCode.OK and shown["subusers"][0]["points"]["per_month"] == 1.0  # type: ignore[index]

    shop = tmp_path / "shop" / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(shop)]) == ExitCode.OK  # the test SMS: 0.07
    bought = int(1.0 / PRICE["eco"] + 1e-9)  # 14 ECO messages for 1.0 point
    codes = [main(["send", "--to", f"50020{n:04d}", "--message", f"Zamówienie {n}", "--api-url", sandbox.url, "--config", str(shop)])
             for n in range(bought)]
    assert codes == [ExitCode.OK] * (bought - 1) + [ExitCode.REFUSED]  # the test took one: the 14th is refused (103)
    sent = [m for m in sandbox.outbox if m.username == "sklep-7"]
    assert len(sent) == bought
    assert sandbox.state.accounts["demo"].points == pytest.approx(10.0 - 0.07 - 1.0)  # the head office's own test, the month's point

    sandbox.state.subuser_limit_code = 96  # UNCONFIRMED which code SMSAPI gives a capped subuser: 96 ("monthly limit") reads the same
    assert main(["send", "--to", "500300400", "--message", "Jeszcze jeden", "--api-url", sandbox.url, "--config", str(shop)]) == ExitCode.REFUSED
    assert len([m for m in sandbox.outbox if m.username == "sklep-7"]) == bought

    for path in (shop, answers, *shop.parent.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "demo-token" not in text and DEMO_MD5 not in text.lower(), path  # never the main account's secret


def test_subusers_need_the_main_accounts_token(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    md5 = tmp_path / "md5.toml"
    (tmp_path / "a.toml").write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n')
    assert main(["apply", str(tmp_path / "a.toml"), "--api-url", sandbox.url, "--config", str(md5)]) == ExitCode.OK
    code, said = _json(capsys, "subuser", "list", "--api-url", sandbox.url, "--config", str(md5))
    assert code == ExitCode.USAGE and "token" in json.dumps(said, ensure_ascii=False)
