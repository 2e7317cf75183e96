import importlib

import pytest

from .metadata import APP, REPO, defined_functions

hooks = importlib.import_module("referral_crm.hooks")


def dotted_paths(value):
	if isinstance(value, str):
		if value.startswith("referral_crm."):
			yield value
	elif isinstance(value, dict):
		for v in value.values():
			yield from dotted_paths(v)
	elif isinstance(value, list | tuple):
		for v in value:
			yield from dotted_paths(v)


PATHS = sorted(
	{p for name in dir(hooks) if not name.startswith("_") for p in dotted_paths(getattr(hooks, name))}
)


def test_hooks_declare_the_install_steps():
	assert PATHS, "hooks.py names no function of the app"
	assert hooks.after_install and hooks.before_uninstall
	assert not getattr(hooks, "required_apps", None), "naming frappe in required_apps breaks offline installs"


@pytest.mark.parametrize("path", PATHS)
def test_hook_paths_name_a_function_of_the_app(path):
	module, _, function = path.rpartition(".")
	file = REPO.joinpath(*module.split(".")).with_suffix(".py")
	assert file.exists(), f"{path}: no module {module}"
	assert function in defined_functions(file), f"{path}: {module} defines no {function}"


def test_included_assets_exist():
	for asset in [hooks.app_include_js] if isinstance(hooks.app_include_js, str) else hooks.app_include_js:
		assert asset.startswith("/assets/referral_crm/")
		assert (APP / "public" / asset.removeprefix("/assets/referral_crm/")).exists(), asset


def test_fixtures_are_filtered_to_our_records():
	for entry in hooks.fixtures:
		assert isinstance(entry, dict) and entry.get("filters"), f"unfiltered fixture {entry}"
		file = APP / "fixtures" / (entry["dt"].lower().replace(" ", "_") + ".json")
		assert file.exists(), f"fixture file for {entry['dt']} missing"


def test_every_method_open_to_guests_is_a_signed_webhook_that_checks_the_signature_first():
	import ast

	guests = set()
	for path in APP.rglob("*.py"):
		if "tests" in path.parts or path.name.startswith("test_"):
			continue
		module = ".".join(path.relative_to(REPO).with_suffix("").parts)
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef) and any(
				"allow_guest=True" in ast.unparse(d) for d in node.decorator_list
			):
				guests.add(f"{module}.{node.name}")
				first_call = next(n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Call))
				assert ast.unparse(first_call.func) == "verify_provider_signature", node.name
	assert guests == set(hooks.signed_webhooks)
