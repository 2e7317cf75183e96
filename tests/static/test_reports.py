import pytest

from .metadata import FRAPPE_ROLES, MODULES, app_roles, defined_functions, doctypes, module_records

REPORTS = module_records("report")


def test_the_reports_exist():
	assert {r["name"] for r in REPORTS} == {
		"Referral Trend by Source",
		"Source Scorecard",
		"Liaison Activity",
		"Referral Funnel",
		"Duplicate Records",
		"Spend by Physician",
		"PHI Access",
		"HIPAA Readiness",
	}


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_script_report_is_complete(report):
	assert report["report_type"] == "Script Report" and report["is_standard"] == "Yes"
	assert report["ref_doctype"] in doctypes()
	for role in report["roles"]:
		assert role["role"] in app_roles() | FRAPPE_ROLES
	folder = MODULES[report["module"]] / "report" / report["name"].lower().replace(" ", "_")
	assert "execute" in defined_functions(folder / f"{folder.name}.py")
	assert (folder / f"{folder.name}.js").exists()


def test_reports_never_go_to_roles_without_the_data():
	for report in REPORTS:
		roles = {r["role"] for r in report["roles"]}
		ref = doctypes()[report["ref_doctype"]]
		readers = {p["role"] for p in ref["permissions"] if p.get("read") and not p.get("permlevel")}
		assert roles <= readers | {"System Manager"}, f"{report['name']}: {roles - readers}"
