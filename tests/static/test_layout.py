"""The app's layout: one folder per domain, and dependencies that run one way.

Domains are listed lowest first. A domain may use the shared layer (roles, settings, todos,
integrations, ...), the pure core and the domains below it, never one above it, so no import circle
can form. The pure core stands below all of them and mirrors the domains with the same rule. The
wiring (hooks, install, the demo, the CLI, patches, the published API, the settings DocType) sits on
top and may use everything.
"""

import ast
from pathlib import Path

import pytest

from .metadata import APP, MODULES

DOMAINS = ["compliance", "referral_sources", "field", "outreach", "referrals", "referral_intelligence"]
WIRING = {"hooks", "install", "demo", "commands", "testing", "patches", "api", "benchmarks", "tests", "www"}
SETUP = "referral_crm"  # the module holding Referral CRM Settings: wiring too


def imported(path: Path) -> set[str]:
	"""Every referral_crm module the file imports, at the top or inside a function."""
	out = set()
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("referral_crm"):
			out.add(node.module)
		elif isinstance(node, ast.Import):
			out.update(a.name for a in node.names if a.name.startswith("referral_crm"))
	return out


def layer(module: str) -> tuple[str, int]:
	"""("core" | "site", domain index) of a dotted module; -1 for the shared layer, 99 for the wiring."""
	parts = module.split(".")[1:]
	kind = "core" if parts[:1] == ["core"] else "site"
	if kind == "core":
		parts = parts[1:]
	top = parts[0] if parts else ""
	if kind == "site" and (top in WIRING or top == SETUP):
		return kind, 99
	return kind, DOMAINS.index(top) if top in DOMAINS else -1


def code(folder: Path) -> list[Path]:
	"""A folder's code; tests may use the test helpers and any domain."""
	return sorted(
		p for p in folder.rglob("*.py") if "__pycache__" not in p.parts and not p.name.startswith("test_")
	)


def wrong_imports(files: list[Path], kind: str, own: int) -> set[str]:
	out = set()
	for path in files:
		for module in imported(path):
			their_kind, their = layer(module)
			if (kind == "core" and their_kind == "site") or (their_kind == kind and their > own):
				out.add(f"{path.relative_to(path.parents[2])} -> {module}")
	return out


def test_every_domain_is_a_frappe_module_of_its_own():
	assert [SETUP, *DOMAINS] == [folder.name for folder in MODULES.values()]


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_uses_only_the_shared_layer_the_core_and_the_domains_below_it(domain):
	assert not wrong_imports(code(APP / domain), "site", DOMAINS.index(domain))


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_pure_core_mirrors_the_domains_one_way(domain):
	assert not wrong_imports(code(APP / "core" / domain), "core", DOMAINS.index(domain))


def test_the_shared_layers_use_no_domain():
	site = [
		p
		for p in code(APP)
		if layer("referral_crm." + ".".join(p.relative_to(APP).with_suffix("").parts)) == ("site", -1)
	]
	core = [p for p in code(APP / "core") if len(p.relative_to(APP).parts) == 2]
	assert {p.stem for p in site} >= {"roles", "settings", "todos", "spreadsheets"}
	assert {p.stem for p in core} >= {"errors", "phone", "weeks"}
	assert not wrong_imports(site, "site", -1) | wrong_imports(core, "core", -1)


def test_a_planted_upward_import_is_caught(tmp_path):
	planted = tmp_path / "planted.py"
	planted.write_text("def f():\n\tfrom referral_crm.referral_intelligence.alerts import run_weekly_job\n")
	assert imported(planted) == {"referral_crm.referral_intelligence.alerts"}
	assert wrong_imports([planted], "site", DOMAINS.index("referrals")), "a referral may not use the alerts"
	assert not wrong_imports([planted], "site", DOMAINS.index("referral_intelligence"))
	assert wrong_imports(
		[planted], "core", DOMAINS.index("referral_intelligence")
	), "the core uses no site code"
