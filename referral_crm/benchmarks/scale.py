"""Server time of the desk's lists, reports and workspaces, and of the monthly statements, at size.

Runs on the site the weekly-alert benchmark seeded (its practices, referrals and users), adds
visits and providers until the site holds at least the sizes asked for, then times what the desk
asks the server for, as the people who use it:

	bench --site bench.localhost execute referral_crm.benchmarks.weekly_alerts.seed
	bench --site bench.localhost execute referral_crm.benchmarks.scale.main

Sizes by --kwargs "{'visits': 2000000, 'providers': 200000, 'repeat': 20}". Seeded visits are named
BENCH-VIS-…, providers BENCH-PROV-…; a rerun reuses them. Results are in docs/benchmarks.md.
"""

import json
import os
import random
import statistics
import time
from datetime import datetime, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_days, add_months, get_first_day, getdate, now_datetime

from referral_crm.benchmarks.weekly_alerts import (
	PRACTICE_PREFIX,
	USER_DOMAIN,
	_ensure_users,
	_insert,
	_peak_rss_mb,
)

VISIT_PREFIX = "BENCH-VIS-"
PROVIDER_PREFIX = "BENCH-PROV-"
MANAGER = f"bench-manager@{USER_DOMAIN}"
CHANNELS = (
	("In Person", 55),
	("Phone Call", 25),
	("Fax", 8),
	("Email", 6),
	("Drop Off", 4),
	("Lunch and Learn", 2),
)
OUTCOMES = (
	("Spoke with Office Staff", 35),
	("Left Materials", 20),
	("Spoke with Provider", 15),
	("Left Voicemail", 10),
	("No Answer", 8),
	("Meeting Scheduled", 6),
	("Referral Promised", 4),
	("Not Interested", 2),
)
VISIT_FIELDS = (
	"name",
	"practice",
	"practice_name",
	"channel",
	"outcome",
	"visit_datetime",
	"user",
	"referral_territory",
	"remarks",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)
PROVIDER_FIELDS = (
	"name",
	"first_name",
	"last_name",
	"provider_name",
	"npi",
	"primary_practice",
	"referral_territory",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)


def _count(doctype: str, prefix: str | None = None) -> int:
	table = DocType(doctype)
	query = frappe.qb.from_(table).select(Count("*"))
	if prefix:
		query = query.where(table.name.like(f"{prefix}%"))
	return query.run()[0][0]


def _bench_practices() -> list[tuple]:
	return frappe.db.sql(
		"select name, practice_name, referral_territory, liaison from tabPractice"
		" where name like %s and liaison is not null order by name",
		(f"{PRACTICE_PREFIX}%",),
	)


def _weighted(rng: random.Random, pairs, k: int) -> list:
	return rng.choices([v for v, _ in pairs], [w for _, w in pairs], k=k)


def seed_visits(visits: int, days: int = 730, seed: int = 11) -> int:
	"""Two years of visits over the benchmark's practices, each by the practice's liaison."""
	have = _count("Visit", VISIT_PREFIX)
	if have >= visits:
		return 0
	rng = random.Random(seed + have)
	practices = _bench_practices()
	if not practices:
		frappe.throw("Seed the weekly-alert benchmark first: its practices carry the visits.")
	end = now_datetime().replace(microsecond=0)

	def rows():
		for number in range(have + 1, visits + 1):
			name, practice_name, territory, liaison = practices[rng.randrange(len(practices))]
			at = end - timedelta(days=rng.random() * days)
			at = at.replace(hour=rng.randint(8, 16), minute=rng.randrange(0, 60, 5), second=0)
			yield (
				f"{VISIT_PREFIX}{number:07d}",
				name,
				practice_name,
				_weighted(rng, CHANNELS, 1)[0],
				_weighted(rng, OUTCOMES, 1)[0],
				at,
				liaison,
				territory,
				"Dropped off the new flyer; asked about the wound care program.",
				at,
				at,
				liaison,
				liaison,
				0,
			)

	return _insert("Visit", VISIT_FIELDS, rows())


def seed_providers(providers: int, seed: int = 13) -> int:
	"""Providers until the site holds `providers` of them, each at one of the benchmark's practices."""
	missing = providers - _count("Provider")
	if missing <= 0:
		return 0
	rng = random.Random(seed)
	practices = _bench_practices()
	first = _count("Provider", PROVIDER_PREFIX) + 1
	now = now_datetime()
	first_names = ("Anita", "Brian", "Chen", "Deepa", "Elena", "Farid", "Grace", "Hector", "Irene", "Jamal")
	last_names = ("Okafor", "Nguyen", "Schwartz", "Patel", "Kowalski", "Rivera", "Cohen", "Haddad", "Kim")

	def rows():
		for number in range(first, first + missing):
			name, _, territory, _ = practices[rng.randrange(len(practices))]
			first_name, last_name = rng.choice(first_names), rng.choice(last_names)
			yield (
				f"{PROVIDER_PREFIX}{number:07d}",
				first_name,
				last_name,
				f"{first_name} {last_name}",
				None,
				name,
				territory,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
			)

	return _insert("Provider", PROVIDER_FIELDS, rows())


def seed_practices(practices: int, rows_per_file: int = 100_000) -> int:
	"""NPPES files imported until the site holds `practices` practices (organisations, and offices made
	for individuals); then the duplicate keys of every record, as the nightly sweep would leave them."""
	import tempfile

	from referral_crm.benchmarks.nppes_import import write_file
	from referral_crm.core.referral_sources.nppes import NppesFilter, read_nppes
	from referral_crm.referral_sources.duplicates import DOCTYPES, rebuild_index
	from referral_crm.referral_sources.nppes import NppesImporter

	written, run = 0, 0
	while _count("Practice") < practices:
		path = write_file(
			rows_per_file, tempfile.gettempdir(), first_npi=3_000_000 + run * rows_per_file, seed=99 + run
		)
		summary = NppesImporter().run(read_nppes(path, NppesFilter()), commit=True)
		written += summary.practices_inserted + summary.providers_inserted
		os.remove(path)
		run += 1
	for doctype in DOCTYPES:
		rebuild_index(doctype, commit=True)
	return written


def _ensure_manager() -> str:
	if not frappe.db.exists("User", MANAGER):
		user = frappe.get_doc(
			{"doctype": "User", "email": MANAGER, "first_name": "Bench Manager", "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		user.add_roles("Referral Marketing Manager")
		frappe.db.commit()
	return MANAGER


def _time(call, repeat: int) -> dict:
	"""Median and p95 of `repeat` timed calls after one warm-up call (caches as a working site has them)."""
	call()
	times = []
	for _ in range(repeat):
		started = time.perf_counter()
		call()
		times.append((time.perf_counter() - started) * 1000)
		frappe.db.rollback()
	times.sort()
	return {
		"median_ms": round(statistics.median(times), 1),
		"p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
	}


def _list_view(doctype: str, filters: list, fields: list[str]):
	"""What the desk's list view asks for: a page of 20 rows and the count."""
	from frappe.desk.reportview import get, get_count

	def call():
		frappe.local.form_dict = frappe._dict(
			doctype=doctype,
			fields=json.dumps([f"`tab{doctype}`.`{f}`" for f in fields]),
			filters=json.dumps(filters),
			order_by=f"`tab{doctype}`.`modified` desc",
			start=0,
			page_length=20,
			view="List",
			with_comment_count=1,
		)
		get()
		frappe.local.form_dict = frappe._dict(doctype=doctype, filters=json.dumps(filters), distinct="false")
		get_count()

	return call


def _report(name: str, filters: dict):
	from frappe.desk.query_report import run

	return lambda: run(name, filters=filters, ignore_prepared_report=True)


def _workspace(name: str):
	"""The workspace page, each of its number cards and each chart, as the desk loads them."""
	from frappe.desk.desktop import get_desktop_page
	from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as get_chart
	from frappe.desk.doctype.number_card.number_card import get_result

	workspace = frappe.get_doc("Workspace", name)

	def call():
		get_desktop_page(json.dumps({"name": name, "title": workspace.title, "public": 1}))
		for row in workspace.number_cards:
			card = frappe.get_doc("Number Card", row.number_card_name)
			filters = json.loads(card.filters_json or "[]")
			for doctype, field, operator, _ in json.loads(card.dynamic_filters_json or "[]"):
				filters.append([doctype, field, operator, str(getdate())])
			get_result(card, filters)
		for row in workspace.charts:
			get_chart(chart_name=row.chart_name, refresh=1)

	return call


def _ensure_members() -> None:
	"""Each benchmark liaison and coordinator belongs to the territories of the practices they own."""
	for territory, user, role in frappe.db.sql(
		"""select distinct referral_territory, liaison, 'Physician Liaison' from tabPractice
		where name like %(prefix)s and liaison is not null
		union select distinct referral_territory, referral_coordinator, 'Referral Coordinator' from tabPractice
		where name like %(prefix)s and referral_coordinator is not null""",
		{"prefix": f"{PRACTICE_PREFIX}%"},
	):
		doc = frappe.get_doc("Referral Territory", territory)
		if not any(m.user == user for m in doc.members):
			doc.append("members", {"user": user, "territory_role": role})
			doc.save(ignore_permissions=True)
	frappe.db.commit()


def _practice_in_the_largest_block() -> str:
	"""A practice sharing a key with as many others as a key may (the slowest one-record lookup)."""
	key = frappe.db.sql(
		"""select match_key from `tabDuplicate Key` where record_type = 'Practice'
		group by match_key having count(*) <= %s order by count(*) desc limit 1""",
		(200,),
	)[0][0]
	return frappe.db.get_value("Duplicate Key", {"record_type": "Practice", "match_key": key}, "record")


def _recent_import(rows: int = 2000) -> tuple[str, int]:
	"""An NPPES import of `rows` new file rows, recorded as the desk's import records it."""
	import tempfile

	from referral_crm.benchmarks.nppes_import import write_file
	from referral_crm.core.referral_sources.nppes import NppesFilter, read_nppes
	from referral_crm.referral_sources.duplicates import index_changed_since
	from referral_crm.referral_sources.nppes import NppesImporter

	existing = frappe.db.get_value("NPPES Import", {"status": "Completed"}, ["name", "practices_inserted"])
	if existing:
		return existing
	run = frappe.new_doc("NPPES Import")
	run.started_at = now_datetime()
	run.status = "Running"
	run.set_new_name()
	run.db_insert()
	path = write_file(rows, tempfile.gettempdir(), first_npi=6_000_000, seed=61)
	summary = NppesImporter().run(read_nppes(path, NppesFilter()), commit=True)
	os.remove(path)
	for doctype in ("Practice", "Provider"):
		index_changed_since(doctype, run.started_at, commit=True)
	run.db_set(
		{
			"status": "Completed",
			"finished_at": now_datetime(),
			"practices_inserted": summary.practices_inserted,
		}
	)
	frappe.db.commit()
	return run.name, summary.practices_inserted


def _sweep() -> float:
	"""The whole-site comparison of practices, as the weekly job runs it. Returns seconds."""
	from referral_crm.referral_sources.duplicates import SWEEP, run_sweep

	sweep = frappe.get_doc({"doctype": SWEEP, "record_type": "Practice", "status": "Queued"}).insert()
	started = time.perf_counter()
	run_sweep(sweep.name)
	return round(time.perf_counter() - started, 1)


def measure(repeat: int = 20) -> list[dict]:
	"""Each desk action, timed as the user who does it. Returns rows of action, user, median, p95."""
	manager = _ensure_manager()
	liaisons, coordinators = _ensure_users()
	_ensure_members()
	territory, practice = frappe.db.get_value(
		"Practice",
		{"name": ("like", f"{PRACTICE_PREFIX}%"), "account_stage": "Referring"},
		["referral_territory", "name"],
		order_by="name",
	)
	liaison = frappe.db.get_value("Practice", practice, "liaison")
	today = getdate()
	week_start = add_days(today, -today.weekday() - 7)
	busy_source = frappe.db.sql(
		"select referring_practice from tabReferral where received_at >= %s and referring_practice is not null"
		" group by referring_practice"
		" order by count(*) desc limit 1",
		(add_days(today, -90),),
	)[0][0]
	busiest = _practice_in_the_largest_block()
	nppes_run, imported = _recent_import()
	sweep_s = _sweep()
	print(f"whole-site duplicate sweep of practices (background job): {sweep_s} s", flush=True)
	actions = [
		(
			"Practice list: territory + stage",
			manager,
			_list_view(
				"Practice",
				[
					["Practice", "referral_territory", "=", territory],
					["Practice", "account_stage", "=", "Referring"],
				],
				["name", "practice_name", "account_stage", "city", "liaison"],
			),
		),
		(
			"Practice list: territory + stage (liaison, own territories)",
			liaison,
			_list_view(
				"Practice",
				[
					["Practice", "referral_territory", "=", territory],
					["Practice", "account_stage", "=", "Referring"],
				],
				["name", "practice_name", "account_stage", "city", "liaison"],
			),
		),
		(
			"Referral list: source + week",
			manager,
			_list_view(
				"Referral",
				[
					["Referral", "referring_practice", "=", busy_source],
					["Referral", "received_at", "between", [str(add_days(week_start, -84)), str(week_start)]],
				],
				["name", "status", "received_at", "referring_practice", "channel"],
			),
		),
		(
			"Referral list: one week, all sources",
			manager,
			_list_view(
				"Referral",
				[["Referral", "received_at", "between", [str(week_start), str(add_days(week_start, 6))]]],
				["name", "status", "received_at", "referring_practice", "channel"],
			),
		),
		(
			"Visit list: liaison + last 30 days",
			liaison,
			_list_view(
				"Visit",
				[
					["Visit", "user", "=", liaison],
					["Visit", "visit_datetime", ">=", str(add_days(today, -30))],
				],
				["name", "practice_name", "channel", "outcome", "visit_datetime"],
			),
		),
		(
			"Report: Referral Trend by Source (8 weeks)",
			manager,
			_report(
				"Referral Trend by Source", {"source_type": "Practice", "to_date": str(today), "weeks": 8}
			),
		),
		(
			"Report: Source Scorecard (12 weeks)",
			manager,
			_report(
				"Source Scorecard",
				{"source_type": "Practice", "from_date": str(add_days(today, -84)), "to_date": str(today)},
			),
		),
		(
			"Report: Referral Funnel (12 weeks)",
			manager,
			_report("Referral Funnel", {"from_date": str(add_days(today, -84)), "to_date": str(today)}),
		),
		(
			"Report: Liaison Activity (8 weeks)",
			manager,
			_report("Liaison Activity", {"from_date": str(add_days(today, -56)), "to_date": str(today)}),
		),
		(
			"Report: Liaison Activity (8 weeks, own)",
			liaison,
			_report("Liaison Activity", {"from_date": str(add_days(today, -56)), "to_date": str(today)}),
		),
		(
			"Report: Source Scorecard (12 weeks, coordinator: every source)",
			coordinators[0],
			_report(
				"Source Scorecard",
				{"source_type": "Practice", "from_date": str(add_days(today, -84)), "to_date": str(today)},
			),
		),
		(
			"Report: Referral Trend by Source (8 weeks, own territories)",
			liaison,
			_report(
				"Referral Trend by Source", {"source_type": "Practice", "to_date": str(today), "weeks": 8}
			),
		),
		(
			"Report: Spend by Physician (year)",
			manager,
			_report("Spend by Physician", {"year": today.year, "group_by": "Physician"}),
		),
		(
			"Report: Duplicate Records, one practice",
			manager,
			_report("Duplicate Records", {"record_type": "Practice", "record": busiest, "threshold": 80}),
		),
		(
			f"Report: Duplicate Records, one NPPES import ({imported} records)",
			manager,
			_report(
				"Duplicate Records", {"record_type": "Practice", "nppes_import": nppes_run, "threshold": 80}
			),
		),
		(
			"Report: Duplicate Records, whole site (latest sweep)",
			manager,
			_report("Duplicate Records", {"record_type": "Practice", "threshold": 80}),
		),
		("Workspace: Referral CRM (manager)", manager, _workspace("Referral CRM")),
		("Workspace: Referral Liaison", liaison, _workspace("Referral Liaison")),
		("Workspace: Referral Coordination", coordinators[0], _workspace("Referral Coordination")),
	]
	results = []
	for label, user, call in actions:
		frappe.set_user(user)
		figures = _time(call, repeat if "Duplicate" not in label else max(3, repeat // 4))
		frappe.set_user("Administrator")
		results.append({"action": label, "user": user.split("@")[0], **figures})
		print(f"{label:<62} median {figures['median_ms']:>8} ms   p95 {figures['p95_ms']:>8} ms", flush=True)
	return results


def statements(repeat: int = 3) -> dict:
	"""Time the monthly commission statements for last month, rolled back after each run."""
	from referral_crm.referral_intelligence.commissions import generate_statements

	period = get_first_day(add_months(getdate(), -1))
	if not frappe.db.exists("Commission Rule", "Bench: admitted referral"):
		frappe.get_doc(
			{
				"doctype": "Commission Rule",
				"rule_name": "Bench: admitted referral",
				"enabled": 1,
				"basis": "Referral Admitted",
				"amount": 50,
				"new_account_bonus": 150,
				"eligibility_days": 365,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	times, made = [], 0
	for _ in range(repeat):
		started = time.perf_counter()
		made = len(generate_statements(period))
		times.append(time.perf_counter() - started)
		frappe.db.rollback()
	return {"statements": made, "median_s": round(statistics.median(times), 2), "max_s": round(max(times), 2)}


def main(
	visits: int = 2_000_000, providers: int = 200_000, practices: int = 190_000, repeat: int = 20
) -> dict:
	from referral_crm.outreach import visit_days

	started = time.perf_counter()
	written = seed_visits(visits) + seed_providers(providers) + seed_practices(practices)
	visit_days.rebuild_all(commit=True)  # the visits were written in bulk
	seed_s = round(time.perf_counter() - started, 1)
	sizes = {dt: _count(dt) for dt in ("Practice", "Provider", "Referral", "Visit")}
	print(f"seeded {written} rows in {seed_s} s; site holds {sizes}", flush=True)
	results = measure(repeat)
	statement_figures = statements()
	print(f"commission statements: {statement_figures}", flush=True)
	print(f"peak memory {_peak_rss_mb():.0f} MB at {datetime.now():%Y-%m-%d %H:%M}", flush=True)
	return {"sizes": sizes, "seed_s": seed_s, "results": results, "statements": statement_figures}


def api_clients(clients: int = 20, path: str = "/tmp/referral_crm_api_clients.json") -> str:
	"""API users for the REST load benchmark: per client an intake integration and a liaison, with keys.

	Each simulated client is its own integration user, as each EHR or fax server would be; the
	intake API's rate limit (300 a minute) is per user.
	"""
	_ensure_users()
	_ensure_members()
	liaisons = [
		row[0]
		for row in frappe.db.sql(
			"select distinct liaison from tabPractice where name like %s and liaison is not null order by liaison",
			(f"{PRACTICE_PREFIX}%",),
		)
	]
	tokens, issued = [], {}
	for number in range(1, clients + 1):
		pair = {}
		for kind, role in (("intake", "Intake Coordinator"), ("liaison", None)):
			email = (
				f"bench-api-{kind}-{number:02d}@{USER_DOMAIN}" if role else liaisons[number % len(liaisons)]
			)
			if role and not frappe.db.exists("User", email):
				user = frappe.get_doc(
					{
						"doctype": "User",
						"email": email,
						"first_name": f"Bench API {number}",
						"send_welcome_email": 0,
					}
				)
				user.flags.no_welcome_mail = True
				user.insert(ignore_permissions=True)
				user.add_roles(role)
			if email not in issued:  # a new key replaces the old: one per user, shared by its clients
				key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
				doc = frappe.get_doc("User", email)
				doc.api_key, doc.api_secret = key, secret
				doc.save(ignore_permissions=True)
				issued[email] = f"token {key}:{secret}"
			pair[kind] = {"user": email, "token": issued[email]}
		pair["practices"] = frappe.get_all(
			"Practice", filters={"liaison": pair["liaison"]["user"]}, pluck="name", limit=50, order_by="name"
		)
		tokens.append(pair)
	frappe.db.commit()
	with open(path, "w") as out:
		json.dump(tokens, out)
	return path
