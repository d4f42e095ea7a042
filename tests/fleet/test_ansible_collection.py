"""The collection as Ansible's own tools see it: `ansible-galaxy collection build` packs what a
shop needs and nothing of the repo's; `ansible-doc` shows the module and the role; ansible-core's
own validate-modules (its validate.py, run offline with the pins ansible-test names) finds 0 errors
beyond the ignore file ansible-test reads; `ansible-lint` passes the production profile."""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

import pytest

from tests.fleet.conftest import COLLECTION, Collection, ansible_env, run

pytestmark = pytest.mark.slow


def _ansible_test(collection: Collection) -> Path:
    done = run([str(collection.bin / "python"), "-c", "import ansible_test, os; print(os.path.dirname(ansible_test.__file__))"],
               ansible_env(collection.home))
    return Path(done.stdout.strip())


def test_the_built_collection_holds_the_module_the_role_and_the_playbook(collection: Collection) -> None:
    with tarfile.open(collection.tarball) as packed:
        names = set(packed.getnames())
        manifest = json.load(packed.extractfile("MANIFEST.json"))  # type: ignore[arg-type]
    assert {"plugins/modules/apply.py", "roles/shop/defaults/main.yml", "roles/shop/meta/argument_specs.yml",
            "roles/shop/handlers/main.yml", "playbooks/site.yml", "meta/runtime.yml", "README.md"} <= names
    assert not {n for n in names if n.startswith("requirements") or n.endswith(".tar.gz") or n == ".ansible-lint"}
    assert manifest["collection_info"]["namespace"] == "sms_tui" and manifest["collection_info"]["license"] == ["MIT"]


@pytest.mark.parametrize(("kind", "name", "expect"), [
    ("module", "sms_tui.gateway.apply", "password_md5"),
    ("role", "sms_tui.gateway.shop", "shop_api_url"),
])
def test_ansible_doc_shows_it(collection: Collection, kind: str, name: str, expect: str) -> None:
    done = run([str(collection.bin / "ansible-doc"), "-t", kind, "--json", name], ansible_env(collection.home, collection.path))
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout and "EXAMPLES" not in done.stderr


def _ignored(ansible_test: Path) -> dict[tuple[str, str], str]:
    """ansible/tests/sanity/ignore-X.Y.txt as ansible-test reads it: `path test:code # reason`."""
    found = {}
    for ignore in (COLLECTION / "tests" / "sanity").glob("ignore-*.txt"):
        for line in ignore.read_text().splitlines():
            entry, _, reason = line.partition(" # ")
            path, code = entry.split(" ")
            found[(path, code)] = reason
    return found


def test_validate_modules_finds_nothing_beyond_the_ignore_file(collection: Collection) -> None:
    tool = _ansible_test(collection) / "_util" / "controller" / "sanity" / "validate-modules"
    requirements = (_ansible_test(collection) / "_data" / "requirements" / "sanity.validate-modules.txt").read_text()
    pins = dict(re.findall(r"^([\w.-]+)==(\S+)$", requirements, re.M))
    ours = dict(re.findall(r"^([\w.-]+)==(\S+)$", (COLLECTION / "requirements-test.txt").read_text(), re.M))
    assert {name: ours.get(name) for name in pins} == pins  # the versions ansible-test would run it with
    installed = collection.path / "ansible_collections" / "sms_tui" / "gateway"
    env = {**ansible_env(collection.home, collection.path), "PYTHONPATH": str(tool)}
    version = json.loads((installed / "MANIFEST.json").read_text())["collection_info"]["version"]
    done = run([str(collection.bin / "python"), str(tool / "validate.py"), "--format", "json", "--arg-spec",
                "--collection", "ansible_collections/sms_tui/gateway", "--collection-version", version,
                "plugins/modules/apply.py"], env, cwd=installed)
    report = json.loads(done.stdout or "{}")
    errors = {(path, f"validate-modules:{e['code']}") for path, found in report.items() for e in found.get("errors", [])}
    ignored = {key for key in _ignored(tool) if key[1].startswith("validate-modules:")}
    assert errors - ignored == set(), report
    assert ignored - errors == set(), "an ignore entry no error needs (ansible-test fails on it too)"
    assert all(_ignored(tool).values()), "every ignore entry says why"


def test_ansible_lint_passes_the_production_profile(collection: Collection, tmp_path: Path) -> None:
    lint = collection.bin / "ansible-lint"
    done = run([str(lint), "--offline", "--profile", "production", "--nocolor"], ansible_env(tmp_path, collection.path),
               cwd=COLLECTION)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Profile 'production' was required, and it passed" in done.stdout + done.stderr
