"""No answer that depends on a value the asker may not read, on any channel.

Every asker without the right to a protected field (each role of the app that reads a DocType but not
its level-1 fields, a website user with no role, a portal user of another office, Guest) asks every
channel of the desk and REST to filter, sort, group and count by each protected field of each of the
app's DocTypes. Each answer must be a refusal. The fields and roles come from the DocTypes' own
metadata, so a new protected field or role is covered as it is added; a new Frappe method that takes
filters fails `test_every_method_that_takes_filters_is_a_channel_here` until it is added below.
"""

import inspect

import frappe
from frappe.model import no_value_fields
from frappe.tests.test_api import FrappeAPITestCase, make_request

from referral_crm.testing import make_office_user, make_practice, make_referral, make_territory, make_user

MODES = ("filter", "sort", "group", "count")


def protected() -> dict[str, list[str]]:
	"""{doctype: [level-1 fields]} for the app's DocTypes (not child tables)."""
	found = {}
	for doctype in frappe.get_all(
		"DocType",
		filters={"module": ("in", frappe.get_module_list("referral_crm")), "istable": 0, "issingle": 0},
		pluck="name",
	):
		fields = [
			df.fieldname
			for df in frappe.get_meta(doctype).fields
			if (df.permlevel or 0) > 0 and df.fieldtype not in no_value_fields
		]
		if fields:
			found[doctype] = fields
	return found


def roles_without(doctype: str) -> list[str]:
	"""Roles that read the DocType but none of its higher permission levels."""
	perms = frappe.get_meta(doctype).permissions
	readers = {p.role for p in perms if p.permlevel == 0 and p.read}
	higher = {p.role for p in perms if p.permlevel > 0 and p.read}
	return sorted(readers - higher - {"System Manager", "Administrator"})


def value_for(doctype: str, field: str):
	fieldtype = frappe.get_meta(doctype).get_field(field).fieldtype
	return {
		"Date": "1940-01-02",
		"Datetime": "2026-01-02 10:00:00",
		"Currency": 1,
		"Float": 1,
		"Int": 1,
		"Check": 1,
	}.get(fieldtype, "Smith")


def channels(doctype: str, field: str, mode: str, value) -> list[tuple[str, str, str, dict]]:
	"""(name, HTTP method, path, arguments) asking by `field` in `mode` on each channel."""
	flt = [[doctype, field, "=", value]]
	plain = {field: value}
	sort = f"`tab{doctype}`.`{field}` asc"
	count = f"count(distinct `tab{doctype}`.`{field}`) as n"
	rest = f"/api/resource/{doctype}"
	asks = []
	if mode == "filter":
		asks += [
			("REST list", "GET", rest, {"filters": frappe.as_json(flt)}),
			("REST list, or_filters", "GET", rest, {"or_filters": frappe.as_json(flt)}),
			("client.get_list", "POST", "frappe.client.get_list", {"doctype": doctype, "filters": flt}),
			("client.get_count", "POST", "frappe.client.get_count", {"doctype": doctype, "filters": plain}),
			(
				"client.get_value",
				"POST",
				"frappe.client.get_value",
				{"doctype": doctype, "fieldname": "name", "filters": plain},
			),
			("client.get", "POST", "frappe.client.get", {"doctype": doctype, "filters": plain}),
			(
				"report view",
				"POST",
				"frappe.desk.reportview.get",
				{"doctype": doctype, "fields": ["name"], "filters": flt},
			),
			(
				"report view count",
				"POST",
				"frappe.desk.reportview.get_count",
				{"doctype": doctype, "filters": flt},
			),
			(
				"export",
				"POST",
				"frappe.desk.reportview.export_query",
				{"doctype": doctype, "file_format_type": "CSV", "fields": ["name"], "filters": flt},
			),
			(
				"sidebar stats",
				"POST",
				"frappe.desk.reportview.get_sidebar_stats",
				{"stats": frappe.as_json(["owner"]), "doctype": doctype, "filters": frappe.as_json(flt)},
			),
			(
				"group-by sidebar",
				"POST",
				"frappe.desk.listview.get_group_by_count",
				{"doctype": doctype, "current_filters": frappe.as_json(flt), "field": "owner"},
			),
			(
				"assigned-to sidebar",
				"POST",
				"frappe.desk.listview.get_group_by_count",
				{"doctype": doctype, "current_filters": frappe.as_json(flt), "field": "assigned_to"},
			),
			(
				"link search",
				"POST",
				"frappe.desk.search.search_link",
				{"doctype": doctype, "txt": "", "filters": plain},
			),
			(
				"link search field",
				"POST",
				"frappe.desk.search.search_link",
				{"doctype": doctype, "txt": str(value), "searchfield": field},
			),
			(
				"calendar",
				"POST",
				"frappe.desk.calendar.get_events",
				{
					"doctype": doctype,
					"start": "2000-01-01",
					"end": "2030-01-01",
					"field_map": frappe.as_json({"start": "modified", "end": "modified", "title": "name"}),
					"filters": frappe.as_json(flt),
				},
			),
			(
				"next record",
				"POST",
				"frappe.desk.form.utils.get_next",
				{"doctype": doctype, "value": "ZZZ", "prev": 1, "filters": flt},
			),
			(
				"number card",
				"POST",
				"frappe.desk.doctype.number_card.number_card.get_result",
				{
					"doc": frappe.as_json(
						{"document_type": doctype, "function": "Count", "filters_json": frappe.as_json(flt)}
					),
					"filters": flt,
				},
			),
		]
	if mode == "sort":
		asks += [
			("REST list", "GET", rest, {"order_by": sort}),
			("client.get_list", "POST", "frappe.client.get_list", {"doctype": doctype, "order_by": sort}),
			(
				"report view",
				"POST",
				"frappe.desk.reportview.get",
				{"doctype": doctype, "fields": ["name"], "order_by": sort},
			),
			(
				"next record",
				"POST",
				"frappe.desk.form.utils.get_next",
				{"doctype": doctype, "value": "ZZZ", "prev": 1, "sort_field": field, "sort_order": "asc"},
			),
		]
	if mode == "group":
		asks += [
			("REST list", "GET", rest, {"fields": frappe.as_json(["count(name) as n"]), "group_by": field}),
			(
				"client.get_list",
				"POST",
				"frappe.client.get_list",
				{"doctype": doctype, "fields": ["count(name) as n"], "group_by": field},
			),
			(
				"report view",
				"POST",
				"frappe.desk.reportview.get",
				{"doctype": doctype, "fields": ["count(name) as n"], "group_by": field},
			),
			(
				"group-by sidebar",
				"POST",
				"frappe.desk.listview.get_group_by_count",
				{"doctype": doctype, "current_filters": "[]", "field": field},
			),
		]
	if mode == "count":
		asks += [
			("REST list", "GET", rest, {"fields": frappe.as_json([count])}),
			("client.get_list", "POST", "frappe.client.get_list", {"doctype": doctype, "fields": [count]}),
			("report view", "POST", "frappe.desk.reportview.get", {"doctype": doctype, "fields": [count]}),
			(
				"number card",
				"POST",
				"frappe.desk.doctype.number_card.number_card.get_result",
				{
					"doc": frappe.as_json(
						{
							"document_type": doctype,
							"function": "Sum",
							"aggregate_function_based_on": field,
							"filters_json": "[]",
						}
					),
					"filters": [],
				},
			),
		]
	return asks


class TestNoAnswerByProtectedFields(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.territory = make_territory()
		cls.practice = make_practice(referral_territory=cls.territory.name)
		cls.other_practice = make_practice()
		make_referral(referring_practice=cls.practice.name, patient_last_name="Smith")
		cls.askers = {}
		for doctype in protected():
			for role in roles_without(doctype):
				cls.askers.setdefault(role, cls.keyed(make_user([role])))
		cls.askers["website user with no role"] = cls.keyed(make_user([]), website=True)
		cls.askers["portal user of another office"] = cls.keyed(make_office_user(cls.other_practice.name))
		frappe.db.commit()

	@classmethod
	def keyed(cls, user: str, website: bool = False) -> dict:
		doc = frappe.get_doc("User", user)
		if website:
			doc.user_type = "Website User"
		key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		doc.api_key, doc.api_secret = key, secret
		doc.save(ignore_permissions=True)  # the secret reads back masked: keep what was set
		return {"Authorization": f"token {key}:{secret}", "user": user}

	def ask(self, method: str, path: str, args: dict, headers: dict | None):
		"""One request, in a thread of its own as Frappe's API tests make them (the request sets up and
		tears down its own site context)."""
		path = path if path.startswith("/") else self.method(path)
		headers = {k: v for k, v in (headers or {}).items() if k != "user"}
		if method == "GET":
			response = make_request(
				self.TEST_CLIENT.get, (path,), {"query_string": args, "headers": headers or {}}
			)
		else:
			response = make_request(self.TEST_CLIENT.post, (path,), {"json": args, "headers": headers or {}})
		frappe.db.rollback()
		return response

	def test_every_asker_is_refused_on_every_channel_for_every_protected_field(self):
		self.assertIn("Referral", protected(), "patient data sits at level 1 of Referral")
		self.assertGreaterEqual(len(self.askers), 4)
		for asker, headers in self.askers.items():  # a refusal must not be a failed login
			who = self.ask("GET", "frappe.auth.get_logged_user", {}, headers)
			self.assertEqual(who.json.get("message"), headers["user"], asker)
		answered = []
		asked = 0
		for doctype, fields in protected().items():
			for field in fields:
				value = value_for(doctype, field)
				for mode in MODES:
					for name, method, path, args in channels(doctype, field, mode, value):
						for asker, headers in [*self.askers.items(), ("Guest", None)]:
							if asker not in (
								"Guest",
								"website user with no role",
								"portal user of another office",
							) and asker not in roles_without(doctype):
								continue
							asked += 1
							if problem := self.answer_depends(
								doctype, field, mode, name, method, path, args, headers
							):
								answered.append(f"{asker} | {name} | {mode} by {doctype}.{field}: {problem}")
		self.assertGreater(asked, 200)
		self.maxDiff = None
		self.assertEqual(answered, [], f"{len(answered)} answers out of {asked} questions")

	def answer_depends(self, doctype, field, mode, name, method, path, args, headers) -> str | None:
		"""Why the answer tells something about the field's values; None for a refusal, or for an
		answer that is the same whatever the field holds (Frappe leaves an unreadable column out)."""
		first = self.ask(method, path, args, headers)
		if first.status_code in (401, 403):
			return None
		if first.status_code != 200:
			return f"{first.status_code} {first.text[:160]}"
		if mode == "count":
			return None if '"n"' not in first.text else f"a count came back: {first.text[:160]}"
		if mode == "group":
			return f"grouped: {first.text[:160]}"
		if mode == "filter":
			other = next(
				a for n, _m, p, a in channels(doctype, field, mode, "Zz-nobody-9") if n == name and p == path
			)
		else:
			other = frappe.parse_json(
				frappe.as_json(args).replace(" asc", " desc").replace('"asc"', '"desc"')
			)
		second = self.ask(method, path, other, headers)
		if (second.status_code, second.text) != (first.status_code, first.text):
			return f"the answer changes with the value: {first.text[:80]} / {second.text[:80]}"
		return None

	def test_a_refusal_says_why(self):
		role = roles_without("Referral")[0]
		response = self.ask(
			"POST",
			"frappe.client.get_list",
			{"doctype": "Referral", "filters": {"patient_last_name": "Smith"}},
			self.askers[role],
		)
		self.assertEqual(response.status_code, 403)
		self.assertIn("Patient Last Name", response.text)

	def test_asking_by_fields_one_may_read_still_answers(self):
		role = roles_without("Referral")[0]
		response = self.ask(
			"POST",
			"frappe.client.get_list",
			{"doctype": "Referral", "filters": {"status": "Received"}, "order_by": "modified desc"},
			self.askers[role],
		)
		self.assertEqual(response.status_code, 200, response.text[:300])


class TestCountsObeyRowRules(FrappeAPITestCase):
	def test_a_liaison_counts_only_the_referrals_of_their_territories(self):
		liaison = make_user(["Physician Liaison"])
		mine = make_territory(members=[(liaison, "Physician Liaison")])
		theirs = make_territory()
		for territory, n in ((mine, 2), (theirs, 3)):
			practice = make_practice(referral_territory=territory.name)
			for _ in range(n):
				make_referral(referring_practice=practice.name)
		headers = TestNoAnswerByProtectedFields.keyed(liaison)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		expected = len(frappe.get_list("Referral", user=liaison, pluck="name", limit_page_length=0))
		for path, args in (
			("frappe.client.get_count", {"doctype": "Referral"}),
			("frappe.desk.reportview.get_count", {"doctype": "Referral", "filters": []}),
		):
			response = make_request(
				self.TEST_CLIENT.post,
				(self.method(path),),
				{"json": args, "headers": {"Authorization": headers["Authorization"]}},
			)
			self.assertEqual(response.status_code, 200, response.text[:300])
			self.assertEqual(response.json["message"], expected, path)
		self.assertLess(expected, frappe.db.count("Referral"))


class TestChannelsAreComplete(FrappeAPITestCase):
	KNOWN_WITHOUT_QUERY = {
		"frappe.desk.reportview.get_filter_dashboard_data",  # through frappe.get_list, same check
		"frappe.desk.reportview.get_stats",
		"frappe.desk.reportview.get_list",
		"frappe.desk.reportview.delete_items",
		"frappe.desk.reportview.delete_bulk",
		"frappe.desk.search.search_widget",
		"frappe.client.get_list",
	}

	def test_every_method_that_takes_filters_is_a_channel_here(self):
		listed = set()
		for doctype in protected():
			for field in protected()[doctype][:1]:
				for mode in MODES:
					listed |= {
						path
						for _n, _m, path, _a in channels(doctype, field, mode, "x")
						if not path.startswith("/")
					}
		missing = []
		for function in frappe.whitelisted:
			module = getattr(function, "__module__", "")
			if not module.startswith(
				(
					"frappe.client",
					"frappe.desk.reportview",
					"frappe.desk.listview",
					"frappe.desk.search",
					"frappe.desk.calendar",
				)
			):
				continue
			parameters = inspect.signature(function).parameters
			if "doctype" in parameters and {"filters", "current_filters"} & set(parameters):
				path = f"{module}.{function.__name__}"
				if path not in listed and path not in self.KNOWN_WITHOUT_QUERY:
					missing.append(path)
		self.assertEqual(missing, [])
