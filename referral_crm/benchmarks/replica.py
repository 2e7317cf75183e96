"""The reports on a real MariaDB read replica: where their queries land, and what a lagging or stopped
replica changes (nothing a person sees).

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
"""

import argparse
import json
import shlex
import statistics
import subprocess
import time

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
	return session


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


def phase(name: str, args, sessions, primary, replica, baseline=None) -> dict:
	log_start = _log_size(args.replica_general_log)
	before = (selects(primary), selects(replica) if replica else None)
	rows, times, errors = run_reports(sessions, args.url, args.repeat)
	after = (selects(primary), selects(replica) if replica else None)
	calls = len(REPORTS) * args.repeat
	out = {
		"phase": name,
		"report calls": calls,
		"primary SELECTs": after[0] - before[0],  # SHOW STATUS is no SELECT
		"replica SELECTs": None if replica is None else after[1] - before[1],
		"median ms": round(statistics.median(times), 1),
		"max ms": round(max(times), 1),
		"errors": errors,
	}
	if args.replica_general_log and replica is not None:
		out["replica general log: report tables read"] = _logged(args.replica_general_log, log_start)
	if baseline is not None:
		compared = [r for r in REPORTS if r not in NOT_COMPARED]
		out["rows as the primary alone"] = [r for r in compared if rows.get(r) == baseline.get(r)]
		out["rows different"] = [r for r in compared if rows.get(r) != baseline.get(r)]
	print(json.dumps(out), flush=True)
	return rows


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
	parser.add_argument("--admin-password", default="admin")
	parser.add_argument("--repeat", type=int, default=5)
	args = parser.parse_args()

	primary, replica = connect(args.primary, args.root_password), connect(args.replica, args.root_password)
	sessions = (login(args.url, USER, PASSWORD), login(args.url, "Administrator", args.admin_password))
	retry_after = 5
	configure(args.site_config, read_from_replica=0, replica_retry_after=retry_after)
	run_reports(sessions, args.url, 1)  # warm the caches
	baseline = phase("primary alone", args, sessions, primary, replica)

	configure(args.site_config, read_from_replica=1)
	phase("replica configured and current", args, sessions, primary, replica, baseline)

	# Lagging: the replica stops applying; a figure changes on the primary only.
	query(replica, "STOP SLAVE SQL_THREAD")
	with open(args.site_config) as f:
		database = json.load(f)["db_name"]
	table = f"`{database}`.`tabReferral Source Week`"
	latest = f"SELECT name, received FROM {table} ORDER BY week_start DESC, received DESC LIMIT 1"
	name, received = query(primary, latest)[0]
	query(primary, f"UPDATE {table} SET received = received + 50 WHERE name = %s", (name,))
	stale = query(replica, f"SELECT received FROM {table} WHERE name = %s", (name,))[0][0]
	print(json.dumps({"changed on the primary": name, "primary": received + 50, "replica (stale)": stale}))
	configure(args.site_config, read_from_replica=0)
	changed = phase("primary alone, after the change", args, sessions, primary, replica)
	configure(args.site_config, read_from_replica=1)
	phase("replica lagging (SQL thread stopped)", args, sessions, primary, replica, changed)
	query(primary, f"UPDATE {table} SET received = received - 50 WHERE name = %s", (name,))
	query(replica, "START SLAVE SQL_THREAD")
	wait_caught_up(primary, replica)
	time.sleep(retry_after + 1)
	phase("replica caught up again", args, sessions, primary, replica, baseline)

	# Down: the replica server shut down.
	query(replica, "SHUTDOWN")
	replica.close()
	time.sleep(2)
	phase("replica down", args, sessions, primary, None, baseline)
	if args.start_replica:
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
		phase("replica started again", args, sessions, primary, replica, baseline)

		if args.weekly_job:
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
