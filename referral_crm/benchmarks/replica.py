"""The reports, cards and charts on a real MariaDB read replica: where their queries land, and what a
lagging or stopped replica changes (nothing a person sees).

Needs the primary, the replica and the site docs/replica.md sets up, the site served
(`bench --site replica.localhost serve --port 8031`) and the demo agency on it. Runs outside the
site, as root of both servers (it reads their counters, stops the replica's SQL thread, shuts the
replica down and starts it again with --start-replica):

	sudo ~/bench-a/env/bin/python -m referral_crm.benchmarks.replica \\
		--url http://127.0.0.1:8031 --site-config ~/bench-a/sites/replica.localhost/site_config.json \\
		--primary 127.0.0.1:3307 --replica 127.0.0.1:3308 --root-password root \\
		--start-replica "mariadbd --defaults-file=/var/lib/mysql-repl/replica.cnf --user=mysql" \\
		--weekly-job "sudo -u bench -H bash -lc 'cd ~/bench-a && bench --site replica.localhost \\
			execute referral_crm.referral_intelligence.alerts.run_weekly_job'"

Each phase calls every script report through the desk's report runner as the demo manager and
compares the rows with those the primary alone gives. Results are in docs/replica.md.

With --widgets, each phase also loads every number card and dashboard chart of the app as the desk
does (POST to Frappe's `number_card.get_result`, `get_percentage_difference` and
`dashboard_chart.get`, which the app replaces), compares the figures with those of the primary
alone, and with --primary-general-log counts in the general log of each server the card and chart
queries and the writes of a chart's sync time (the primary's log is switched on for the run only):

	--widgets --primary-general-log /var/lib/mysql-repl/primary.general.log \\
	--replica-general-log /var/lib/mysql-repl/replica.general.log

With --widgets the lagging phase also moves a referral of an earlier week to today on the primary
only, which the cards of today and of this week and both charts count. `--reports 0` leaves the
reports out.
"""

import argparse
import datetime
import json
import re
import shlex
import statistics
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pymysql
import requests

REPORTS = (
	"Source Scorecard",
	"Referral Trend by Source",
	"Liaison Activity",
	"Referral Funnel",
	"Spend by Physician",
	"Duplicate Records",
	"PHI Access",
	"HIPAA Readiness",
)
USER = "manager@demo.referral-crm.example"
PASSWORD = "Demo#Referral2026"
ADMIN_ONLY = {"HIPAA Readiness"}  # the site's safeguards: for the Administrator
# The PHI Access report lists the reads of this very run (each report call is logged), so it grows
# from one call to the next whichever server answers; it is timed, not compared.
NOT_COMPARED = {"PHI Access"}
RUNNER = "/api/method/frappe.desk.query_report.run"
CARD = "/api/method/frappe.desk.doctype.number_card.number_card.get_result"
CARD_STATS = "/api/method/frappe.desk.doctype.number_card.number_card.get_percentage_difference"
CHART = "/api/method/frappe.desk.doctype.dashboard_chart.dashboard_chart.get"
MODULES = (Path(__file__).parents[1] / "modules.txt").read_text().split("\n")
# What each query looks like in a general log (Frappe's own text for them, 15.41 and 15.74).
LOGGED = {
	"card queries": re.compile(rb"select count\(\*\) as result\s+from", re.I),
	"chart queries": re.compile(
		rb"as name, \w+\([^)]*\) as count\s+from|SUM\([^)]*\), COUNT\(\*\)\s+from", re.I
	),
	"chart sync-time writes": re.compile(rb"update `tabDashboard Chart`\s+set\s+`last_synced_on`", re.I),
}


def connect(address: str, password: str):
	host, port = address.rsplit(":", 1)
	return pymysql.connect(host=host, port=int(port), user="root", password=password, autocommit=True)


def query(conn, sql: str, values=None) -> list[tuple]:
	with conn.cursor() as cursor:
		cursor.execute(sql, values)
		return list(cursor.fetchall())


def selects(conn) -> int:
	return int(query(conn, "SHOW GLOBAL STATUS LIKE 'Com_select'")[0][1])


def configure(path: str, **values) -> None:
	with open(path) as f:
		config = json.load(f)
	config.update(values)
	with open(path, "w") as f:
		json.dump(config, f, indent=1, sort_keys=True)


def login(url: str, user: str, password: str) -> requests.Session:
	session = requests.Session()
	session.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}).raise_for_status()
	# the desk's token for POST requests, as /app hands it to the browser
	page = session.get(f"{url}/app")
	token = re.search(r'csrf_token = "([^"]+)"', page.text)
	if token:
		session.headers["X-Frappe-CSRF-Token"] = token.group(1)
	return session


def load_widgets(primary, database: str) -> tuple[list[dict], list[str], ZoneInfo]:
	"""The app's number cards (as the desk sends them), the names of its charts, the site's time zone."""
	modules = [m for m in MODULES if m]
	marks = ", ".join(["%s"] * len(modules))
	with primary.cursor(pymysql.cursors.DictCursor) as cursor:
		cursor.execute(
			f"SELECT * FROM `{database}`.`tabNumber Card` WHERE module IN ({marks}) AND type = 'Document Type'"
			" ORDER BY name",
			modules,
		)
		cards = [{k: str(v) if isinstance(v, datetime.date) else v for k, v in r.items()} for r in cursor]
	charts = query(
		primary,
		f"SELECT name FROM `{database}`.`tabDashboard Chart` WHERE module IN ({marks}) ORDER BY name",
		modules,
	)
	zone = query(
		primary,
		f"SELECT value FROM `{database}`.tabSingles WHERE doctype = 'System Settings' AND field = 'time_zone'",
	)
	return cards, [name for (name,) in charts], ZoneInfo(zone[0][0] if zone else "UTC")


def site_now(zone: ZoneInfo) -> datetime.datetime:
	return datetime.datetime.now(zone).replace(tzinfo=None, microsecond=0)


def card_filters(card: dict, user: str, zone: ZoneInfo) -> list:
	"""The card's filters with its dynamic ones worked out as the desk's script does."""
	now = site_now(zone)
	values = {
		"frappe.session.user": user,
		"frappe.datetime.get_today()": now.date().isoformat(),
		"frappe.datetime.add_days(frappe.datetime.now_datetime(), -2)": str(now - datetime.timedelta(days=2)),
	}
	filters = json.loads(card["filters_json"] or "[]")
	for doctype, field, operator, expression in json.loads(card["dynamic_filters_json"] or "[]"):
		filters.append([doctype, field, operator, values[expression]])
	return filters


def run_widgets(session, url: str, cards, charts, zone, repeat: int) -> tuple[dict, list[float], list[str]]:
	figures, times, errors = {}, [], []

	def call(key: str, path: str, data: dict):
		start = time.perf_counter()
		response = session.post(f"{url}{path}", data=data)
		times.append((time.perf_counter() - start) * 1000)
		if response.status_code != 200:
			errors.append(f"{key}: HTTP {response.status_code}")
			return None
		figures[key] = response.json().get("message")
		return figures[key]

	for _ in range(repeat):
		for card in cards:
			doc, filters = json.dumps(card), json.dumps(card_filters(card, USER, zone))
			result = call(f"card: {card['name']}", CARD, {"doc": doc, "filters": filters})
			if card["show_percentage_stats"] and result is not None:
				call(
					f"card %: {card['name']}", CARD_STATS, {"doc": doc, "filters": filters, "result": result}
				)
		for chart in charts:
			call(f"chart: {chart}", CHART, {"chart_name": chart, "refresh": 0})
	return figures, times, errors


def run_reports(sessions, url: str, repeat: int) -> tuple[dict, list[float], list[str]]:
	rows, times, errors = {}, [], []
	for report in REPORTS:
		session = sessions[report in ADMIN_ONLY]
		for _ in range(repeat):
			start = time.perf_counter()
			response = session.get(f"{url}{RUNNER}", params={"report_name": report, "filters": "{}"})
			times.append((time.perf_counter() - start) * 1000)
			if response.status_code != 200:
				errors.append(f"{report}: HTTP {response.status_code}")
				continue
			rows[report] = response.json()["message"]["result"]
	return rows, times, errors


def phase(name: str, args, sessions, primary, replica, widgets=None, baseline=None) -> dict:
	logs = {"primary": args.primary_general_log, "replica": args.replica_general_log if replica else None}
	starts = {server: _log_size(path) for server, path in logs.items()}
	before = (selects(primary), selects(replica) if replica else None)
	results, times, errors = {}, [], []
	if args.reports:
		rows, report_times, report_errors = run_reports(sessions, args.url, args.repeat)
		results.update(rows)
		times += report_times
		errors += report_errors
	widget_times = []
	if widgets:
		figures, widget_times, widget_errors = run_widgets(sessions[0], args.url, *widgets, args.repeat)
		results.update(figures)
		errors += widget_errors
	after = (selects(primary), selects(replica) if replica else None)
	out = {
		"phase": name,
		"report calls": len(REPORTS) * args.repeat if args.reports else 0,
		"card and chart calls": len(widget_times),
		"primary SELECTs": after[0] - before[0],  # SHOW STATUS is no SELECT
		"replica SELECTs": None if replica is None else after[1] - before[1],
	}
	if times:
		out["reports median / max ms"] = [round(statistics.median(times), 1), round(max(times), 1)]
	if widget_times:
		out["cards and charts median / max ms"] = [
			round(statistics.median(widget_times), 1),
			round(max(widget_times), 1),
		]
	out["errors"] = errors
	if args.reports and logs["replica"]:
		out["replica general log: report tables read"] = _logged(logs["replica"], starts["replica"])
	if widgets:
		for server, path in logs.items():
			if path:
				out[f"{server} general log: cards and charts"] = _widget_queries(path, starts[server])
	if baseline is not None:
		compared = [key for key in results if key not in NOT_COMPARED]
		out["as the primary alone"] = sum(results[key] == baseline.get(key) for key in compared)
		out["different"] = [key for key in compared if results[key] != baseline.get(key)]
	print(json.dumps(out), flush=True)
	return results


def _log_size(path: str | None) -> int:
	if not path:
		return 0
	with open(path, "rb") as f:
		return f.seek(0, 2)


def _logged(path: str, start: int) -> dict[str, int]:
	"""How often the log's new part names each table the reports read (queries span several lines)."""
	with open(path, "rb") as f:
		f.seek(start)
		text = f.read()
	tables = ("Referral", "Referral Source Week", "Visit", "Practice", "Provider Spend", "PHI Access Log")
	return {table: text.count(f"`tab{table}`".encode()) for table in tables}


def _widget_queries(path: str, start: int) -> dict[str, int]:
	"""The card and chart queries in the log's new part, and the writes of a chart's sync time."""
	with open(path, "rb") as f:
		f.seek(start)
		text = f.read()
	return {what: len(pattern.findall(text)) for what, pattern in LOGGED.items()}


def wait_caught_up(primary, replica) -> None:
	position = query(primary, "SELECT @@global.gtid_binlog_pos")[0][0]
	query(replica, "SELECT MASTER_GTID_WAIT(%s, 60)", (position,))


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--url", required=True)
	parser.add_argument("--site-config", required=True)
	parser.add_argument("--primary", required=True)
	parser.add_argument("--replica", required=True)
	parser.add_argument("--root-password", required=True)
	parser.add_argument("--start-replica", help="the command that starts the replica server again")
	parser.add_argument("--weekly-job", help="the command that runs the weekly alert job on the site")
	parser.add_argument("--replica-general-log", help="the replica's general_log_file, to count its queries")
	parser.add_argument("--primary-general-log", help="a file for the primary's general log, during the run")
	parser.add_argument("--reports", type=int, default=1, help="0: leave the reports out")
	parser.add_argument(
		"--widgets", action="store_true", help="the app's number cards and dashboard charts too"
	)
	parser.add_argument("--admin-password", default="admin")
	parser.add_argument("--repeat", type=int, default=5)
	args = parser.parse_args()

	primary, replica = connect(args.primary, args.root_password), connect(args.replica, args.root_password)
	with open(args.site_config) as f:
		database = json.load(f)["db_name"]
	widgets = load_widgets(primary, database) if args.widgets else None
	if widgets:
		print(json.dumps({"cards": [card["name"] for card in widgets[0]], "charts": widgets[1]}), flush=True)
	if args.primary_general_log:
		query(primary, "SET GLOBAL general_log_file = %s", (args.primary_general_log,))
		query(primary, "SET GLOBAL general_log = 1")
	try:
		replica = run_phases(args, database, primary, replica, widgets)
	finally:
		if args.primary_general_log:
			query(primary, "SET GLOBAL general_log = 0")
	configure(args.site_config, read_from_replica=1)
	if replica is not None and args.weekly_job:
		run_weekly_job(args, primary, replica)


def run_phases(args, database: str, primary, replica, widgets):
	sessions = (login(args.url, USER, PASSWORD), login(args.url, "Administrator", args.admin_password))
	retry_after = 5
	configure(args.site_config, read_from_replica=0, replica_retry_after=retry_after)
	if args.reports:
		run_reports(sessions, args.url, 1)  # warm the caches
	if widgets:
		run_widgets(sessions[0], args.url, *widgets, 1)
	baseline = phase("primary alone", args, sessions, primary, replica, widgets)

	configure(args.site_config, read_from_replica=1)
	phase("replica configured and current", args, sessions, primary, replica, widgets, baseline)

	# Lagging: the replica stops applying; a figure changes on the primary only.
	query(replica, "STOP SLAVE SQL_THREAD")
	table = f"`{database}`.`tabReferral Source Week`"
	latest = f"SELECT name, received FROM {table} ORDER BY week_start DESC, received DESC LIMIT 1"
	name, received = query(primary, latest)[0]
	query(primary, f"UPDATE {table} SET received = received + 50 WHERE name = %s", (name,))
	stale = query(replica, f"SELECT received FROM {table} WHERE name = %s", (name,))[0][0]
	print(json.dumps({"changed on the primary": name, "primary": received + 50, "replica (stale)": stale}))
	referrals = f"`{database}`.`tabReferral`"
	moved = None
	if widgets:  # a referral of an earlier week received today: the cards of today and the week, the charts
		moved = query(
			primary,
			f"SELECT name, received_at, received_date FROM {referrals} WHERE received_date < CURDATE()"
			" - INTERVAL 7 DAY ORDER BY received_at DESC LIMIT 1",
		)[0]
		query(
			primary,
			f"UPDATE {referrals} SET received_at = %s, received_date = %s WHERE name = %s",
			(site_now(widgets[2]), site_now(widgets[2]).date(), moved[0]),
		)
		print(json.dumps({"received today on the primary only": moved[0]}), flush=True)
	configure(args.site_config, read_from_replica=0)
	changed = phase("primary alone, after the change", args, sessions, primary, replica, widgets)
	print(json.dumps({"changed by it": [key for key in changed if changed[key] != baseline.get(key)]}))
	configure(args.site_config, read_from_replica=1)
	phase("replica lagging (SQL thread stopped)", args, sessions, primary, replica, widgets, changed)
	query(primary, f"UPDATE {table} SET received = received - 50 WHERE name = %s", (name,))
	if moved:
		query(
			primary,
			f"UPDATE {referrals} SET received_at = %s, received_date = %s WHERE name = %s",
			(moved[1], moved[2], moved[0]),
		)
	query(replica, "START SLAVE SQL_THREAD")
	wait_caught_up(primary, replica)
	time.sleep(retry_after + 1)
	phase("replica caught up again", args, sessions, primary, replica, widgets, baseline)

	# Down: the replica server shut down.
	query(replica, "SHUTDOWN")
	replica.close()
	time.sleep(2)
	phase("replica down", args, sessions, primary, None, widgets, baseline)
	if not args.start_replica:
		return None
	subprocess.Popen(shlex.split(args.start_replica), start_new_session=True)
	for _ in range(30):
		time.sleep(1)
		try:
			replica = connect(args.replica, args.root_password)
			break
		except pymysql.err.OperationalError:
			continue
	wait_caught_up(primary, replica)
	time.sleep(retry_after + 1)
	phase("replica started again", args, sessions, primary, replica, widgets, baseline)
	return replica


def run_weekly_job(args, primary, replica) -> None:
	for on in (0, 1):
		configure(args.site_config, read_from_replica=on)
		before = selects(primary), selects(replica)
		start = time.perf_counter()
		subprocess.run(args.weekly_job, shell=True, check=True, capture_output=True)
		seconds = time.perf_counter() - start
		after = selects(primary), selects(replica)
		print(
			json.dumps(
				{
					"phase": f"weekly alert job, read_from_replica={on}",
					"seconds": round(seconds, 1),
					"primary SELECTs": after[0] - before[0],
					"replica SELECTs": after[1] - before[1],
				}
			),
			flush=True,
		)
	configure(args.site_config, read_from_replica=1)


if __name__ == "__main__":
	main()
