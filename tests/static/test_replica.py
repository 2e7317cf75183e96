"""Reads that may run on a read replica are marked so (docs/replica.md)."""

import ast

import pytest

from .metadata import APP, MODULES, module_records

REPORTS = module_records("report")


def decorators(path, function: str) -> set[str]:
	for node in ast.parse(path.read_text()).body:
		if isinstance(node, ast.FunctionDef) and node.name == function:
			return {ast.unparse(d) for d in node.decorator_list}
	raise AssertionError(f"{path} has no {function}")


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_every_report_reads_from_the_replica(report):
	folder = MODULES[report["module"]] / "report" / report["name"].lower().replace(" ", "_")
	assert "reads_from_replica" in decorators(folder / f"{folder.name}.py", "execute")


def test_the_weekly_alert_job_judges_on_the_replica_and_writes_on_the_primary():
	alerts = APP / "referral_intelligence" / "alerts.py"
	assert "replica.reads_from_replica" in decorators(alerts, "judge_sources")
	assert not decorators(alerts, "run_weekly_job")  # it writes the alerts and ToDos


def test_requests_to_frappes_replica_readers_are_checked_first():
	hooks = ast.parse((APP / "hooks.py").read_text())
	values = {
		t.id: ast.literal_eval(n.value)
		for n in hooks.body
		if isinstance(n, ast.Assign)
		for t in n.targets
		if isinstance(t, ast.Name) and t.id == "before_request"
	}
	assert "referral_crm.replica.before_request" in values["before_request"]


def test_the_number_cards_and_charts_go_through_the_replica_readers():
	hooks = ast.parse((APP / "hooks.py").read_text())
	overrides = next(
		ast.literal_eval(n.value)
		for n in hooks.body
		if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "override_whitelisted_methods"
	)
	frappe_readers = {
		"frappe.desk.doctype.number_card.number_card.get_result": "get_number_card_result",
		"frappe.desk.doctype.number_card.number_card.get_percentage_difference": (
			"get_number_card_percentage_difference"
		),
		"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "get_dashboard_chart",
	}
	replica = ast.parse((APP / "replica.py").read_text())
	defined = {n.name for n in replica.body if isinstance(n, ast.FunctionDef)}
	for method, reader in frappe_readers.items():
		assert overrides[method] == f"referral_crm.replica.{reader}"
		assert reader in defined
