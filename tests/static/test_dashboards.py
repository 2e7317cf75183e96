from .metadata import doctypes, fields, known_doctypes, module_records

ALL_DOCTYPES = set(doctypes()) | known_doctypes()["frappe"]
FRAPPE_FIELDS = {"ToDo": {"status", "reference_type", "date", "allocated_to"}}


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


def test_charts_group_by_a_date_field():
	for chart in module_records("dashboard_chart"):
		assert chart["document_type"] in doctypes()
		based_on = fields(chart["document_type"])[chart["based_on"]]
		assert based_on["fieldtype"] in {"Date", "Datetime"}


def test_workspace_shows_only_what_exists():
	(workspace,) = module_records("workspace")
	import json

	cards = {c["name"] for c in module_records("number_card")}
	charts = {c["name"] for c in module_records("dashboard_chart")}
	assert {c["number_card_name"] for c in workspace["number_cards"]} <= cards
	assert {c["chart_name"] for c in workspace["charts"]} <= charts
	for shortcut in workspace["shortcuts"]:
		assert shortcut["link_to"] in ALL_DOCTYPES
	reports = {r["name"] for r in module_records("report")}
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
