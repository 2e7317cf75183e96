"""Practices on Frappe's map view: only the ones the user may see, and not more than a map can show."""

import frappe
from frappe import _
from frappe.utils import escape_html, get_url_to_form

MAP_LIMIT = 2000


@frappe.whitelist(methods=["POST"])
def get_practice_coords(
	doctype: str, filters: str | list | dict | None = None, type: str | None = None
) -> dict:
	"""GeoJSON for the map view (the signature Frappe's map view calls), row permissions applied."""
	if doctype != "Practice":
		frappe.throw(_("Only practices are shown on this map."))
	frappe.has_permission("Practice", "read", throw=True)
	filters = (frappe.parse_json(filters) if isinstance(filters, str) else filters) or []
	placed = ["Practice", "latitude", "!=", 0]
	filters = {**filters, "latitude": ("!=", 0)} if isinstance(filters, dict) else [*filters, placed]
	practices = frappe.get_list(
		"Practice",
		filters=filters,
		fields=["name", "practice_name", "account_stage", "city", "latitude", "longitude"],
		order_by="practice_name asc",
		limit_page_length=MAP_LIMIT,
	)
	features = [
		{
			"type": "Feature",
			"properties": {"name": popup(p)},
			"geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
		}
		for p in practices
	]
	return {"type": "FeatureCollection", "features": features}


def popup(practice) -> str:
	return '<a href="{}">{}</a><br>{}'.format(
		get_url_to_form("Practice", practice.name),
		escape_html(practice.practice_name or practice.name),
		escape_html(" · ".join(filter(None, (_(practice.account_stage or ""), practice.city)))),
	)
