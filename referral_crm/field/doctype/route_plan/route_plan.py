# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

from referral_crm.core.field.routing import Stop, directions_urls, format_clock, parse_clock, plan_route
from referral_crm.core.referral_sources.geocode import is_valid_point, zip_centroid
from referral_crm.referral_sources.permissions import check_practice_access


def minutes(value: str | None, label: str) -> int | None:
	try:
		return parse_clock(value)
	except ValueError:
		frappe.throw(
			_("{0}: {1} is not a time of day (write 8:30 or 2:30 pm).").format(label, frappe.bold(value))
		)


class RoutePlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.field.doctype.route_plan_stop.route_plan_stop import RoutePlanStop

		directions: DF.SmallText | None
		finish_time: DF.Data | None
		return_to_start: DF.Check
		rolled_over: DF.SmallText | None
		route_date: DF.Date
		start_latitude: DF.Float
		start_longitude: DF.Float
		start_time: DF.Data
		start_zip: DF.Data | None
		stops: DF.Table[RoutePlanStop]
		total_miles: DF.Float
		user: DF.Link

	# end: auto-generated types
	def validate(self):
		self.start_time = self.start_time or "08:30"
		check_practice_access(self, [row.practice for row in self.stops])
		seen = set()
		for row in self.stops:
			if row.practice in seen:
				frappe.throw(_("Row {0}: {1} is on the route twice.").format(row.idx, row.practice))
			seen.add(row.practice)
		self.plan()

	def start_point(self, points: dict) -> tuple[float, float]:
		if is_valid_point(self.start_latitude, self.start_longitude):
			return self.start_latitude, self.start_longitude
		if self.start_zip:
			if point := zip_centroid(self.start_zip):
				return point
			frappe.throw(_("{0} is not a ZIP code we can place.").format(frappe.bold(self.start_zip)))
		return points[self.stops[0].practice]  # no start given: the day begins at the first office

	def plan(self):
		"""Order the stops for the least driving, keep appointment times, and draw the route."""
		coordinates = {
			p.name: (p.latitude, p.longitude)
			for p in frappe.get_all(
				"Practice",
				filters={"name": ("in", [r.practice for r in self.stops])},
				fields=["name", "latitude", "longitude"],
			)
		}
		unplaced = [
			r.practice for r in self.stops if not is_valid_point(*coordinates.get(r.practice, (None, None)))
		]
		if unplaced:
			frappe.throw(
				_("These offices have no place on the map yet (no ZIP code or coordinates): {0}").format(
					", ".join(unplaced)
				),
				title=_("Cannot Plan the Route"),
			)
		start = self.start_point(coordinates)
		stops = [
			Stop(
				row.practice,
				*coordinates[row.practice],
				fixed_at=minutes(row.appointment_time, _("Row {0}").format(row.idx)),
				service_minutes=row.service_minutes if row.service_minutes is not None else 20,
			)
			for row in self.stops
		]
		plan = plan_route(
			start,
			stops,
			start_minute=minutes(self.start_time, _("Leave At")),
			return_to_start=self.return_to_start,
		)
		rows = {row.practice: row for row in self.stops}
		ordered = []
		for planned in plan.stops:
			row = rows[planned.id]
			row.arrival = format_clock(planned.arrival)
			row.miles_from_previous = planned.miles_from_previous
			row.late_minutes = planned.late_minutes
			ordered.append(row)
		for idx, row in enumerate(ordered, start=1):
			row.idx = idx
		self.stops = ordered
		self.total_miles, self.finish_time = plan.total_miles, format_clock(plan.finish)
		points = [coordinates[p.id] for p in plan.stops]
		urls = directions_urls(start, points, self.return_to_start)
		self.directions = "\n".join(urls)
		self.route_map = json.dumps(self.geojson(start, points))
		if plan.late:
			frappe.msgprint(
				_("These appointments cannot be kept from this start: {0}").format(
					", ".join(f"{s.id} ({s.late_minutes} min late)" for s in plan.late)
				),
				indicator="orange",
				alert=True,
			)

	def geojson(self, start, points) -> dict:
		line = [[lon, lat] for lat, lon in [start, *points]]
		features = [
			{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": line}}
		]
		features += [
			{
				"type": "Feature",
				"properties": {"name": f"{i}. {escape_html(row.practice_name or row.practice)}"},
				"geometry": {"type": "Point", "coordinates": [lon, lat]},
			}
			for i, (row, (lat, lon)) in enumerate(zip(self.stops, points, strict=True), start=1)
		]
		return {"type": "FeatureCollection", "features": features}


@frappe.whitelist(methods=["POST"])
def make_route_plan(practices: str | list) -> str:
	"""A route for today through the practices picked in a list, ordered at once."""
	frappe.has_permission("Route Plan", "create", throw=True)
	practices = frappe.parse_json(practices) if isinstance(practices, str) else practices
	visible = frappe.get_list("Practice", filters={"name": ("in", practices)}, pluck="name")
	if not visible:
		frappe.throw(_("Pick the offices to visit first."))
	doc = frappe.get_doc(
		{"doctype": "Route Plan", "stops": [{"practice": p} for p in practices if p in visible]}
	)
	doc.insert()
	return doc.name
