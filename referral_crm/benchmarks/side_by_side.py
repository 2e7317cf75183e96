"""The long jobs side by side on background workers: two NPPES imports of different files, a month's
commission statements and the weekly alert job, all enqueued at once, then the data checked.

	bench --site ratio.localhost execute referral_crm.benchmarks.side_by_side.main \\
		--kwargs "{'rows': 10000, 'month': '2026-09-01'}"

Every one of these jobs is enqueued on the `long` queue, so four workers listen to it, one per
job: three with `bench worker --queue long` and one with `bench worker --queue default,long` (as
a production setup runs a worker that takes both). The script starts them and stops them at the
end. The queue is a Redis of its own (`redis_port`, started and stopped by the script;
FRAPPE_REDIS_QUEUE points the workers and this process at it): the bench's shared queue may hold
other sites' jobs, which these workers must not run. It refuses to run when another worker already
listens to that queue. Each job runs alone first (another file of the same size for the import),
then all together; the month's draft statements and the alerts the runs raise are deleted in
between and at the end (a benchmark site: submitted statements stop it). Afterwards it prints: whether every active row of both files is a Practice or a
Provider exactly once, addresses with two offices made by the run, practice tree numbers given
twice, whether the statements and alerts are the same as alone, failed jobs (RQ's failed registry,
Error Log), MariaDB's deadlock and lock wait counts and the lock waits of this site it sampled.

Results are in docs/benchmarks.md, "Long jobs side by side".
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections import Counter
from datetime import datetime

WORKER_QUEUES = ("long", "long", "long", "default,long")
FIRST_FREE_NPI = 20_000_000  # the benchmark files of docs/benchmarks.md use NPIs below this
NPPES_JOB = "referral_crm_nppes_import::{}"
STATEMENTS_JOB = "referral_crm_commissions_{}"
ALERTS_JOB = "referral_crm_weekly_alerts"


# Workers
# -------


def start_queue(port: int) -> subprocess.Popen:
	"""A Redis for this run's queue alone, and this process pointed at it."""
	import frappe
	import frappe.utils.background_jobs as background_jobs

	url = f"redis://127.0.0.1:{port}"
	server = subprocess.Popen(
		["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
		stdout=subprocess.DEVNULL,
		start_new_session=True,
	)
	os.environ["FRAPPE_REDIS_QUEUE"] = url  # read by the workers' configuration
	frappe.local.conf.redis_queue = url
	background_jobs._redis_queue_conn = None
	deadline = time.monotonic() + 10
	time.sleep(0.5)
	while True:
		try:
			background_jobs.get_redis_conn().ping()
			return server
		except Exception:
			if time.monotonic() > deadline:
				server.terminate()
				raise
			time.sleep(0.2)


def running_workers() -> list[str]:
	from frappe.utils.background_jobs import get_redis_conn
	from rq import Worker

	return [worker.name for worker in Worker.all(connection=get_redis_conn())]


def start_workers(queues=WORKER_QUEUES, log_dir: str | None = None) -> list[subprocess.Popen]:
	import frappe

	bench = os.path.abspath(os.path.join(frappe.utils.get_bench_path()))
	log_dir = log_dir or tempfile.mkdtemp(prefix="side-by-side-")
	processes = []
	for n, queue in enumerate(queues):
		log = open(os.path.join(log_dir, f"worker-{n}.log"), "w")  # noqa: SIM115 (closed with the worker)
		processes.append(
			subprocess.Popen(
				["bench", "worker", "--queue", queue],
				cwd=bench,
				stdout=log,
				stderr=subprocess.STDOUT,
				start_new_session=True,  # its own process group, stopped as one at the end
			)
		)
	deadline = time.monotonic() + 60
	while len(running_workers()) < len(queues):
		if time.monotonic() > deadline:
			stop_workers(processes)
			raise RuntimeError(f"the workers did not start; see {log_dir}")
		time.sleep(0.5)
	return processes


def stop_workers(processes: list[subprocess.Popen]) -> None:
	for process in processes:
		if process.poll() is None:
			os.killpg(process.pid, signal.SIGTERM)  # a warm shutdown: a running job finishes first
	for process in processes:
		try:
			process.wait(timeout=120)
		except subprocess.TimeoutExpired:
			os.killpg(process.pid, signal.SIGKILL)
			process.wait()


# Jobs
# ----


def enqueue_import(path: str) -> str:
	"""An NPPES Import with the file attached, started as the form's button starts it; its job id."""
	import frappe

	with open(path, "rb") as f:
		file = frappe.get_doc(
			{"doctype": "File", "file_name": os.path.basename(path), "content": f.read(), "is_private": 1}
		).insert()
	doc = frappe.get_doc({"doctype": "NPPES Import", "import_file": file.file_url}).insert()
	doc.start_import()
	return NPPES_JOB.format(doc.name)


def enqueue_statements(month: str) -> str:
	from referral_crm.referral_intelligence.actions import draft_commission_statements

	draft_commission_statements(month)
	return STATEMENTS_JOB.format(month)


def enqueue_alerts() -> str:
	from referral_crm.referral_intelligence.actions import run_alerts_now

	run_alerts_now()
	return ALERTS_JOB


def wait_for(job_ids: list[str], timeout: float = 3600, on_poll=None) -> dict[str, dict]:
	"""Poll RQ until every job has ended; each job's status, worker and seconds from enqueue to end."""
	from frappe.utils.background_jobs import get_job

	deadline = time.monotonic() + timeout
	while True:
		if on_poll:
			on_poll()
		jobs = {job_id: get_job(job_id) for job_id in job_ids}
		if all(
			job and job.get_status() in ("finished", "failed", "stopped", "canceled") for job in jobs.values()
		):
			break
		if time.monotonic() > deadline:
			raise TimeoutError(f"jobs still running after {timeout} s: {job_ids}")
		time.sleep(0.25)
	return {
		job_id: {
			"status": str(job.get_status()),
			"worker": job.worker_name,
			"enqueued_at": job.enqueued_at,
			"started_at": job.started_at,
			"ended_at": job.ended_at,
			"seconds": round((job.ended_at - job.started_at).total_seconds(), 1),
		}
		for job_id, job in jobs.items()
	}


def wall_seconds(jobs: dict[str, dict]) -> float:
	start = min(job["enqueued_at"] for job in jobs.values())
	return round((max(job["ended_at"] for job in jobs.values()) - start).total_seconds(), 1)


# What the jobs left behind
# -------------------------


def file_npis(path: str) -> tuple[set[str], set[str]]:
	"""The NPIs of a file's active organisations and individuals."""
	from referral_crm.core.referral_sources.nppes import NppesFilter, NppesRecord, read_nppes

	practices, providers = set(), set()
	for record in read_nppes(path, NppesFilter()):
		if isinstance(record, NppesRecord) and record.active:
			(practices if record.entity_type == 2 else providers).add(record.npi)
	return practices, providers


def count_by_npi(doctype: str, npis: set[str]) -> Counter:
	import frappe

	found = Counter()
	ordered = sorted(npis)
	for n in range(0, len(ordered), 1000):
		found.update(frappe.get_all(doctype, filters={"npi": ("in", ordered[n : n + 1000])}, pluck="npi"))
	return found


def imported_once(path: str) -> dict:
	practices, providers = file_npis(path)
	found_practices, found_providers = (
		count_by_npi("Practice", practices),
		count_by_npi("Provider", providers),
	)
	return {
		"practices in file": len(practices),
		"providers in file": len(providers),
		"practices found once": sum(1 for npi in practices if found_practices[npi] == 1),
		"providers found once": sum(1 for npi in providers if found_providers[npi] == 1),
	}


def individual_keys(path: str) -> set:
	"""The addresses where a file's active individuals work: an office is made at each new one."""
	from referral_crm.core.referral_sources.nppes import NppesFilter, NppesRecord, read_nppes
	from referral_crm.core.referral_sources.offices import address_key

	return {
		address_key(record.zip_code, record.address_line1)
		for record in read_nppes(path, NppesFilter())
		if isinstance(record, NppesRecord) and record.active and record.entity_type == 1
	} - {None}


def practices_made_since(known: set[str]) -> list:
	import frappe

	return [
		row
		for row in frappe.get_all(
			"Practice", fields=["name", "npi", "zip_code", "address_line1", "nppes_updated_on", "lft", "rgt"]
		)
		if row.name not in known
	]


def office_check(made: list, known_keys: set) -> dict:
	"""Offices (practices the import made for individuals, no NPI of their own) per address."""
	from referral_crm.core.referral_sources.offices import address_key

	offices = Counter(
		address_key(row.zip_code, row.address_line1) for row in made if not row.npi and row.nppes_updated_on
	)
	return {
		"offices made": sum(offices.values()),
		"addresses with two offices or more": sum(1 for count in offices.values() if count > 1),
		"offices where a practice already was": sum(1 for key in offices if key in known_keys),
	}


def tree_check() -> dict:
	"""The practice tree's numbers: a lft or rgt given twice breaks every ancestor query."""
	import frappe

	practice = frappe.qb.DocType("Practice")
	numbered = frappe.qb.from_(practice).where(practice.lft > 0)
	rows = numbered.select(practice.lft, practice.rgt).run()
	return {
		"practices in the tree": len(rows),
		"lft given twice": len(rows) - len({lft for lft, _rgt in rows}),
		"rgt given twice": len(rows) - len({rgt for _lft, rgt in rows}),
	}


def statements_of(month: str) -> dict[str, dict]:
	import frappe

	statements = {}
	for name, user, total in frappe.get_all(
		"Commission Statement",
		filters={"period_start": month, "docstatus": 0},
		fields=["name", "user", "total"],
		as_list=True,
	):
		lines = frappe.get_all(
			"Commission Statement Line",
			filters={"parent": name, "parenttype": "Commission Statement"},
			fields=["referral", "commission_rule", "role", "kind", "basis_date", "amount"],
			order_by="idx",
			as_list=True,
		)
		statements[user] = {
			"name": name,
			"total": float(total),
			"lines": [list(map(str, line)) for line in lines],
		}
	return statements


def delete_statements(statements: dict[str, dict]) -> None:
	import frappe

	for statement in statements.values():
		frappe.delete_doc("Commission Statement", statement["name"], force=True)
	frappe.db.commit()


def alerts_since(known: set[str]) -> dict[str, tuple]:
	import frappe

	from referral_crm.referral_intelligence.alerts import ALERT

	return {
		row.name: (row.source_type, row.source, row.kind)
		for row in frappe.get_all(ALERT, fields=["name", "source_type", "source", "kind"])
		if row.name not in known
	}


def delete_alerts(names) -> None:
	import frappe

	from referral_crm.referral_intelligence.alerts import ALERT

	for name in names:
		frappe.delete_doc(ALERT, name, force=True)
	frappe.db.commit()


def failures_since(started: datetime) -> dict:
	import frappe
	from frappe.utils.background_jobs import get_queue
	from rq.registry import FailedJobRegistry

	return {
		"failed jobs (RQ, long and default)": sum(
			len(FailedJobRegistry(queue=get_queue(queue))) for queue in ("long", "default")
		),
		"Error Log entries": frappe.db.count("Error Log", {"creation": (">=", started)}),
	}


def innodb(root_password: str) -> dict:
	"""MariaDB's own counts of deadlocks and row lock waits (server-wide), and its last deadlock."""
	import frappe
	import pymysql

	conn = pymysql.connect(
		host=frappe.conf.db_host or "127.0.0.1",
		port=int(frappe.conf.db_port or 3306),
		user="root",
		password=root_password,
	)
	try:
		with conn.cursor() as cursor:
			cursor.execute(
				"show global status where Variable_name in %s",
				(("Innodb_deadlocks", "Innodb_row_lock_waits", "Innodb_row_lock_time"),),
			)
			status = {name: int(value) for name, value in cursor.fetchall()}
			cursor.execute("show engine innodb status")
			text = cursor.fetchone()[2]
	finally:
		conn.close()
	deadlock = re.search(r"LATEST DETECTED DEADLOCK\n-+\n(.*?)\n-{5,}\n[A-Z]", text, re.S)
	status["latest detected deadlock"] = deadlock.group(1)[:4000] if deadlock else None
	return status


class LockWaits:
	"""What this site's transactions wait for, sampled while the jobs run: the waiting statement and
	the one holding the lock it waits for (information_schema, so the root connection)."""

	def __init__(self, root_password: str):
		import frappe
		import pymysql

		self.conn = pymysql.connect(
			host=frappe.conf.db_host or "127.0.0.1",
			port=int(frappe.conf.db_port or 3306),
			user="root",
			password=root_password,
			autocommit=True,
		)
		self.db = frappe.conf.db_name
		self.seen = Counter()
		self.samples = 0

	def sample(self) -> None:
		self.samples += 1
		with self.conn.cursor() as cursor:
			cursor.execute(
				"select r.trx_query, b.trx_query from information_schema.innodb_lock_waits w "
				"join information_schema.innodb_trx r on r.trx_id = w.requesting_trx_id "
				"join information_schema.innodb_trx b on b.trx_id = w.blocking_trx_id "
				"join information_schema.processlist p on p.id = r.trx_mysql_thread_id where p.db = %s",
				(self.db,),
			)
			for waiting, holding in cursor.fetchall():
				self.seen[f"{shorten(waiting)} <- {shorten(holding)}"] += 1

	def close(self) -> dict:
		self.conn.close()
		return {"samples": self.samples, "waits seen": dict(self.seen.most_common(8))}


def shorten(query: str | None) -> str:
	return re.sub(r"\s+", " ", query or "(between statements)")[:90]


def free_npi_ranges(count: int, rows: int) -> list[int]:
	"""`count` ranges of `rows` NPIs that no record on the site uses yet (the script can run again)."""
	import frappe

	from referral_crm.core.referral_sources.npi import make_npi

	step = max(100_000, rows)
	ranges, start = [], FIRST_FREE_NPI
	while len(ranges) < count:
		first, last = make_npi(f"1{start:08d}"), make_npi(f"1{start + rows - 1:08d}")
		used = any(
			frappe.db.exists(doctype, {"npi": ("between", (first, last))})
			for doctype in ("Practice", "Provider")
		)
		if not used:
			ranges.append(start)
		start += step
	return ranges


def main(
	rows: int = 3000,
	month: str = "2026-09-01",
	alerts: bool = True,
	queues: tuple[str, ...] = WORKER_QUEUES,
	redis_port: int | None = 11290,
	root_password: str = "root",
) -> dict:
	import frappe

	frappe.set_user("Administrator")
	queue_server = start_queue(redis_port) if redis_port else None
	try:
		return side_by_side(rows, month, alerts, queues, root_password)
	finally:
		if queue_server:
			queue_server.terminate()
			queue_server.wait()


def side_by_side(rows: int, month: str, alerts: bool, queues: tuple[str, ...], root_password: str) -> dict:
	import frappe

	from referral_crm.benchmarks.nppes_import import write_file
	from referral_crm.core.referral_sources.offices import address_key

	if others := running_workers():
		raise RuntimeError(f"other workers already listen to this queue: {others}")
	if frappe.db.exists("Commission Statement", {"period_start": month, "docstatus": 1}):
		raise RuntimeError(f"{month} has submitted statements; choose a month with drafts or none")
	directory = tempfile.mkdtemp(prefix="side-by-side-")
	alone_start, first_a, first_b = free_npi_ranges(3, rows)
	# seeded by the range: each run draws new addresses, so the two files' individuals need new offices
	alone_file, file_a, file_b = (
		write_file(rows, directory, first_npi=first, seed=first // 1000)
		for first in (alone_start, first_a, first_b)
	)
	earlier_statements = statements_of(month)
	delete_statements(earlier_statements)  # drafts are redrafted by every run; start from none
	known_alerts = set(alerts_since(set()))
	started = frappe.utils.now_datetime()
	before = {"failures": failures_since(started), "innodb": innodb(root_password), "tree": tree_check()}

	uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
	workers = start_workers(queues, directory)
	try:
		alone = {}
		for label, enqueue in (
			("import alone", lambda: enqueue_import(alone_file)),
			("statements alone", lambda: enqueue_statements(month)),
			*((("weekly alerts alone", enqueue_alerts),) if alerts else ()),
		):
			job_id = enqueue()
			frappe.db.commit()
			alone[label] = wait_for([job_id])[job_id]
			frappe.db.rollback()  # a fresh snapshot for what follows
		statements_alone = statements_of(month)
		delete_statements(statements_alone)
		alerts_alone = alerts_since(known_alerts)
		delete_alerts(alerts_alone)

		known_practices = {row.name for row in practices_made_since(set())}
		known_keys = {
			address_key(row.zip_code, row.address_line1)
			for row in frappe.get_all("Practice", fields=["zip_code", "address_line1"])
		}
		uptime_side = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
		job_ids = []
		for enqueue in (
			lambda: enqueue_import(file_a),
			lambda: enqueue_import(file_b),
			lambda: enqueue_statements(month),
			*((enqueue_alerts,) if alerts else ()),
		):
			job_ids.append(enqueue())
			frappe.db.commit()  # an import is enqueued after the commit, as the form's button does
		waits = LockWaits(root_password)
		side = wait_for(job_ids, on_poll=waits.sample)
		lock_waits = waits.close()
		frappe.db.rollback()
	finally:
		stop_workers(workers)
	statements_side = statements_of(month)
	alerts_side = alerts_since(known_alerts)
	made = practices_made_since(known_practices)
	after = {"failures": failures_since(started), "innodb": innodb(root_password), "tree": tree_check()}
	delete_alerts(alerts_side)  # so that a run again raises them again

	def without_names(statements):
		return {user: {"total": s["total"], "lines": s["lines"]} for user, s in statements.items()}

	figures = {
		"load (uptime) before": uptime,
		"load (uptime) side by side": uptime_side,
		"workers": [f"bench worker --queue {queue}" for queue in queues],
		"alone": {
			label: {"seconds": job["seconds"], "status": job["status"]} for label, job in alone.items()
		},
		"alone, one after another s": round(sum(job["seconds"] for job in alone.values()), 1),
		"side by side": {
			job_id.split("::")[-1]: {k: job[k] for k in ("seconds", "status", "worker")}
			for job_id, job in side.items()
		},
		"side by side wall s": wall_seconds(side),
		"file A": imported_once(file_a),
		"file B": imported_once(file_b),
		"new addresses in both files": len((individual_keys(file_a) & individual_keys(file_b)) - known_keys),
		"offices": office_check(made, known_keys),
		"tree before": before["tree"],
		"tree": after["tree"],
		"statements": {
			"users": len(statements_side),
			"lines": sum(len(s["lines"]) for s in statements_side.values()),
			"total": round(sum(s["total"] for s in statements_side.values()), 2),
			"same as alone": without_names(statements_side) == without_names(statements_alone),
		},
		"alerts": {
			"raised": len(alerts_side),
			"same as alone": sorted(alerts_side.values()) == sorted(alerts_alone.values()),
		},
		"failures": after["failures"],
		"failures before": before["failures"],
		"deadlocks (server-wide, during the run)": after["innodb"]["Innodb_deadlocks"]
		- before["innodb"]["Innodb_deadlocks"],
		"row lock waits (server-wide, during the run)": after["innodb"]["Innodb_row_lock_waits"]
		- before["innodb"]["Innodb_row_lock_waits"],
		"row lock wait ms (server-wide, during the run)": after["innodb"]["Innodb_row_lock_time"]
		- before["innodb"]["Innodb_row_lock_time"],
		"lock waits of this site, sampled side by side": lock_waits,
		"latest detected deadlock": after["innodb"]["latest detected deadlock"],
		"new deadlock since the start": after["innodb"]["latest detected deadlock"]
		!= before["innodb"]["latest detected deadlock"],
	}
	print(json.dumps(figures, indent=1, default=str))
	return figures
