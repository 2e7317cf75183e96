import pytest

from .metadata import FRAPPE_ROLES, app_roles, doctypes, fields, known_doctypes, module_records

ALL_DOCTYPES = set(doctypes()) | known_doctypes()["frappe"]
FRAPPE_FIELDS = {"ToDo": {"status", "reference_type", "date", "allocated_to"}}
ALLOWED_DYNAMIC_VALUES = {
	"frappe.session.user",
	"frappe.datetime.get_today()",
	"frappe.datetime.add_days(frappe.datetime.now_datetime(), -2)",
}


def field_exists(doctype, fieldname):
	if doctype in doctypes():
		return fieldname in fields(doctype) or fieldname in {"name", "creation", "modified", "owner"}
	return fieldname in FRAPPE_FIELDS.get(doctype, set())


def test_number_cards_count_real_fields():
	cards = module_records("number_card")
	assert {c["name"] for c in cards} >= {
		"Referrals This Week",
		"Admissions This Week",
		"Practices Contacted This Week",
		"Overdue Follow-ups",
	}
	import json

	for card in cards:
		assert card["document_type"] in ALL_DOCTYPES
		for doctype, fieldname, *_ in json.loads(card["filters_json"]) + json.loads(
			card["dynamic_filters_json"]
		):
			assert doctype == card["document_type"]
			assert field_exists(doctype, fieldname), f"{card['name']}: no field {fieldname}"


def test_charts_read_real_fields():
	for chart in module_records("dashboard_chart"):
		assert chart["document_type"] in doctypes()
		if chart["chart_type"] == "Group By":
			assert chart["group_by_based_on"] in fields(chart["document_type"])
		else:
			based_on = fields(chart["document_type"])[chart["based_on"]]
			assert based_on["fieldtype"] in {"Date", "Datetime"}


@pytest.mark.parametrize("workspace", module_records("workspace"), ids=lambda w: w["name"])
def test_workspace_shows_only_what_exists(workspace):
	import json

	cards = {c["name"] for c in module_records("number_card")}
	charts = {c["name"] for c in module_records("dashboard_chart")}
	assert {c["number_card_name"] for c in workspace["number_cards"]} <= cards
	assert {c["chart_name"] for c in workspace["charts"]} <= charts
	reports = {r["name"] for r in module_records("report")}
	pages = {p["name"] for p in module_records("page")}
	for shortcut in workspace["shortcuts"]:
		known = {"Report": reports, "Page": pages}.get(shortcut["type"], ALL_DOCTYPES)
		assert shortcut["link_to"] in known
	for link in workspace["links"]:
		if link["type"] == "Link":
			assert link["link_to"] in (reports if link["link_type"] == "Report" else ALL_DOCTYPES)
	blocks = json.loads(workspace["content"])
	shortcut_labels = {s["label"] for s in workspace["shortcuts"]}
	card_labels = {link["label"] for link in workspace["links"] if link["type"] == "Card Break"}
	for block in blocks:
		data = block["data"]
		if block["type"] == "number_card":
			assert data["number_card_name"] in cards
		elif block["type"] == "chart":
			assert data["chart_name"] in charts
		elif block["type"] == "shortcut":
			assert data["shortcut_name"] in shortcut_labels
		elif block["type"] == "card":
			assert data["card_name"] in card_labels


def test_every_role_lands_on_a_workspace_of_its_own():
	workspaces = module_records("workspace")
	for workspace in workspaces:
		roles = {r["role"] for r in workspace["roles"]}
		assert roles, f"{workspace['name']} is open to everyone"
		assert roles <= app_roles() | FRAPPE_ROLES
	for role in app_roles():
		own = [w["name"] for w in workspaces if role in {r["role"] for r in w["roles"]}]
		assert len(own) == 1, f"{role} sees {own}"


def test_role_workspaces_count_only_what_the_role_may_read():
	for workspace in module_records("workspace"):
		roles = {r["role"] for r in workspace["roles"]} - {"System Manager"}
		cards = {c["name"]: c for c in module_records("number_card")}
		for entry in workspace["number_cards"]:
			doctype = cards[entry["number_card_name"]]["document_type"]
			if doctype in doctypes():
				readers = {p["role"] for p in doctypes()[doctype]["permissions"] if p.get("read")}
				assert roles <= readers, f"{workspace['name']}: {roles - readers} cannot read {doctype}"
