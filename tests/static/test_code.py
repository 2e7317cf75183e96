import ast

import pytest
import tomllib
from packaging.requirements import Requirement

from .metadata import APP, REPO

# What Frappe v15.41 pins; our ranges must include these so installing the app never moves them.
FRAPPE_PINS = {
	"phonenumbers": "8.13.13",
	"pyotp": "2.8.0",
	"requests": "2.32.3",
	"redis": "4.5.5",
	"pydantic": "2.7.4",
}

PY_FILES = sorted(p for p in APP.rglob("*.py"))


def imports_frappe(path) -> bool:
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "frappe" for a in node.names):
			return True
		if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "frappe":
			return True
	return False


@pytest.mark.parametrize("path", sorted((APP / "core").rglob("*.py")), ids=lambda p: p.name)
def test_core_does_not_import_frappe(path):
	assert not imports_frappe(path), f"{path.name} imports frappe; the core must run without a site"


def test_frappe_import_check_sees_every_form(tmp_path):
	for source in (
		"import frappe",
		"from frappe import _",
		"import frappe.utils as u",
		"def f():\n    import frappe",
	):
		probe = tmp_path / "probe.py"
		probe.write_text(source)
		assert imports_frappe(probe), source


def test_package_init_holds_only_the_version():
	tree = ast.parse((APP / "__init__.py").read_text())
	assert [type(n) for n in tree.body] == [ast.Assign]
	assert tree.body[0].targets[0].id == "__version__"


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_python_compiles(path):
	compile(path.read_text(), str(path), "exec")


def test_dependencies_fit_inside_frappe_pins():
	project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
	assert project.get("dynamic") == ["version"]
	for line in project["dependencies"]:
		requirement = Requirement(line)
		assert requirement.name != "frappe"
		if requirement.name in FRAPPE_PINS:
			assert requirement.specifier.contains(
				FRAPPE_PINS[requirement.name]
			), f"{line} excludes Frappe's pin {FRAPPE_PINS[requirement.name]}"
