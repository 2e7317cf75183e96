"""A liaison's day: the offices ordered for the least driving, appointments kept, directions one tap away."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.field.doctype.route_plan.route_plan import make_route_plan
from referral_crm.testing import make_practice

# Four Bronx offices on a line going north, given out of order.
LINE = [(40.80, -73.92), (40.83, -73.92), (40.86, -73.92), (40.89, -73.92)]


class TestRoutePlan(FrappeTestCase):
	def setUp(self):
		self.offices = [make_practice(zip_code="10451", latitude=lat, longitude=lon) for lat, lon in LINE]

	def tearDown(self):
		frappe.db.rollback()

	def plan(self, order, **values):
		return frappe.get_doc(
			{
				"doctype": "Route Plan",
				"start_latitude": 40.79,
				"start_longitude": -73.92,
				"stops": [{"practice": self.offices[i].name, **values.pop(f"stop{i}", {})} for i in order],
				**values,
			}
		).insert()

	def test_the_stops_come_out_in_driving_order_with_times_and_directions(self):
		plan = self.plan([2, 0, 3, 1])
		self.assertEqual([r.practice for r in plan.stops], [o.name for o in self.offices])
		self.assertEqual([r.idx for r in plan.stops], [1, 2, 3, 4])
		self.assertAlmostEqual(plan.total_miles, 6.9 * 1.3, delta=0.3)  # 0.1 degree of latitude ~ 6.9 miles
		self.assertEqual(plan.stops[0].arrival, "08:33")  # 0.9 road miles at 20 mph
		self.assertTrue(
			plan.directions.startswith("https://www.google.com/maps/dir/?api=1&origin=40.790000,-73.920000")
		)
		features = json.loads(plan.route_map)["features"]
		self.assertEqual(features[0]["geometry"]["type"], "LineString")
		self.assertEqual(len(features), 5)

	def test_an_appointment_time_reorders_the_day(self):
		plan = self.plan(
			[0, 1, 2, 3], stop3={"appointment_time": "9:15"}, stop0={"appointment_time": "11 am"}
		)
		order = [r.practice for r in plan.stops]
		self.assertLess(order.index(self.offices[3].name), order.index(self.offices[0].name))
		self.assertFalse(any(r.late_minutes for r in plan.stops))

	def test_an_office_with_no_place_on_the_map_is_named(self):
		nowhere = make_practice(zip_code="00000")
		with self.assertRaisesRegex(frappe.ValidationError, nowhere.name):
			frappe.get_doc(
				{"doctype": "Route Plan", "start_zip": "10451", "stops": [{"practice": nowhere.name}]}
			).insert()

	def test_a_route_from_a_list_selection(self):
		name = make_route_plan([o.name for o in reversed(self.offices)])
		plan = frappe.get_doc("Route Plan", name)
		self.assertEqual(len(plan.stops), 4)
		self.assertEqual(
			plan.stops[-1].practice, self.offices[0].name, "no start given: begin at the first office picked"
		)
