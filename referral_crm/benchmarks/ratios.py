"""What the app's bulk paths save against what a user would otherwise use, side by side in one run on
the same machine and data.

	# the weekly alert job against a per-source ORM loop (seeds the weekly-alert benchmark's data)
	bench --site ratio.localhost execute referral_crm.benchmarks.ratios.weekly_alerts \\
		--kwargs "{'practices': 2000, 'referrals': 100000}"
	# the NPPES import against Frappe's Data Import of the same rows, and LOAD DATA as the ceiling
	bench --site ratio.localhost execute referral_crm.benchmarks.ratios.nppes --kwargs "{'rows': 3000}"
	# the intake API against POST /api/resource/Referral, one client and 20 (a served site with the demo)
	bench --site ratio.localhost execute referral_crm.benchmarks.ratios.intake_client --kwargs "{'clients': 20}"
	~/bench-a/env/bin/python -m referral_crm.benchmarks.ratios --url http://127.0.0.1:8044 \
		--host ratio.localhost --clients 20 --rounds 20

Results are in docs/benchmarks.md.
"""

import argparse
import csv
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta

CLIENT_FILE = "/tmp/referral_crm_ratio_client.json"


# The weekly alert job
# --------------------


def naive_weekly_job(on_day) -> list[str]:
	"""The job as a user would write it with the ORM: for each source, get its referrals of the job's
	weeks (cancelled ones do not count) and count them per week; judge them with the job's own rules;
	for each finding look up what was alerted and who owns the source, and insert."""
	import frappe

	from referral_crm.core.referral_intelligence.trend import assess_sources
	from referral_crm.core.referrals.referral import CANCELLED
	from referral_crm.core.referrals.rollup import PRACTICE
	from referral_crm.core.weeks import last_complete_week, week_start, weeks_ending
	from referral_crm.referral_intelligence.alerts import (
		_already_alerted,
		_create_alert,
		_owners,
		alert_settings,
		source_types,
	)
	from referral_crm.settings import first_weekday

	settings = alert_settings()
	last_week = last_complete_week(on_day, first_weekday())
	weeks = weeks_ending(last_week, settings.history_weeks)
	end = last_week + timedelta(days=7)
	created = []
	for source_type in source_types():
		field = "referring_practice" if source_type == PRACTICE else "referring_provider"
		counts = {}
		for source in frappe.get_all(source_type, pluck="name"):
			referrals = frappe.get_all(
				"Referral",
				filters=[
					[field, "=", source],
					["received_at", ">=", weeks[0]],
					["received_at", "<", end],
					["status", "!=", CANCELLED],  # as the job counts
				],
				pluck="received_at",
			)
			if referrals:
				counts[source] = dict(
					Counter(week_start(received, first_weekday()) for received in referrals)
				)
		# judged together: the rules hold the false alarms across all sources (Benjamini-Hochberg)
		for found, finding in assess_sources(counts, weeks, settings).items():
			if (found, finding.kind) in _already_alerted(source_type, [found], last_week):
				continue
			owner = _owners(source_type, [found]).get(found, {})
			created.append(_create_alert(source_type, found, finding, last_week, owner))
	return created


def weekly_alerts(practices: int = 2000, referrals: int = 100_000, weeks: int = 104, repeat: int = 3) -> dict:
	"""The job and the per-source loop on the same seeded data, each rolled back after its run."""
	import frappe

	from referral_crm.benchmarks.weekly_alerts import _data_weeks, seed
	from referral_crm.referral_intelligence.alerts import ALERT, run_weekly_job

	frappe.set_user("Administrator")
	seed(practices=practices, referrals=referrals, weeks=weeks)
	_, last_week = _data_weeks(weeks)
	on_day = last_week + timedelta(days=7)

	def timed(job) -> tuple[float, set]:
		started = time.perf_counter()
		names = job(on_day)
		seconds = time.perf_counter() - started
		fired = set(
			frappe.get_all(ALERT, filters={"name": ("in", names)}, fields=["source", "kind"], as_list=1)
		)
		frappe.db.rollback()
		return seconds, fired

	ours, loop = [], []
	for _ in range(repeat):  # alternated, so neither gets the warmer caches
		seconds, ours_fired = timed(run_weekly_job)
		ours.append(seconds)
		seconds, loop_fired = timed(naive_weekly_job)
		loop.append(seconds)
	figures = {
		"practices": frappe.db.count("Practice"),
		"referrals": frappe.db.count("Referral"),
		"alerts": len(ours_fired),
		"same alerts": ours_fired == loop_fired,
		"only the job's": sorted(ours_fired - loop_fired),
		"only the loop's": sorted(loop_fired - ours_fired),
		"job s": [round(s, 2) for s in ours],
		"per-source loop s": [round(s, 2) for s in loop],
		"ratio (medians)": round(statistics.median(loop) / statistics.median(ours), 1),
	}
	print(json.dumps(figures))
	return figures


# The NPPES import
# ----------------

PRACTICE_COLUMNS = (
	"npi",
	"practice_name",
	"address_line1",
	"address_line2",
	"city",
	"state",
	"zip_code",
	"phone",
	"fax",
	"taxonomy_code",
	"nppes_updated_on",
)
PROVIDER_COLUMNS = (
	"npi",
	"first_name",
	"middle_name",
	"last_name",
	"credential",
	"gender",
	"phone",
	"fax",
	"taxonomy_code",
	"nppes_updated_on",
)


def _bare_rows(path: str) -> tuple[list[dict], list[dict]]:
	"""The Practice and Provider rows of an NPPES file, with the fields the import sets from it."""
	import frappe

	from referral_crm.core.referral_sources.nppes import NppesFilter, NppesRecord, read_nppes
	from referral_crm.referral_sources.nppes import practice_values, provider_values

	genders = set(frappe.get_all("Gender", pluck="name"))
	practices, providers = [], []
	for record in read_nppes(path, NppesFilter()):
		if not isinstance(record, NppesRecord) or not record.active:
			continue
		if record.entity_type == 2:
			values = practice_values(record, True) | {"npi": record.npi}
			practices.append({c: values.get(c) for c in PRACTICE_COLUMNS})
		elif record.entity_type == 1:
			values = provider_values(record, True, genders) | {"npi": record.npi}
			providers.append({c: values.get(c) for c in PROVIDER_COLUMNS})
	return practices, providers


def _write_csv(path: str, columns: tuple, rows: list[dict]) -> str:
	with open(path, "w", newline="") as out:
		writer = csv.writer(out)
		writer.writerow(columns)
		writer.writerows([[row[c] if row[c] is not None else "" for c in columns] for row in rows])
	return path


def _load_data_ceiling(practices: list[dict], providers: list[dict], directory: str) -> float:
	"""LOAD DATA LOCAL INFILE of the bare rows into empty copies of the two tables: the ceiling."""
	import frappe
	import pymysql

	conf = frappe.conf
	conn = pymysql.connect(
		host=conf.db_host or "127.0.0.1",
		port=int(conf.db_port or 3306),
		user=conf.db_name,
		password=conf.db_password,
		database=conf.db_name,
		local_infile=True,
		autocommit=True,
	)
	seconds = 0.0
	try:
		with conn.cursor() as cursor:
			for doctype, columns, rows in (
				("Practice", PRACTICE_COLUMNS, practices),
				("Provider", PROVIDER_COLUMNS, providers),
			):
				table = f"bench_load_{doctype.lower()}"
				path = os.path.join(directory, f"{table}.tsv")
				with open(path, "w") as out:
					for n, row in enumerate(rows):
						now = "2026-11-29 00:00:00"
						values = [f"BL-{doctype[:4]}-{n:07d}", now, now, "Administrator", "Administrator"]
						values += ["\\N" if row[c] in (None, "") else str(row[c]) for c in columns]
						out.write("\t".join(v.replace("\t", " ") for v in values) + "\n")
				cursor.execute(f"drop table if exists `{table}`")
				cursor.execute(f"create table `{table}` like `tab{doctype}`")
				started = time.perf_counter()
				cursor.execute(
					f"load data local infile %s into table `{table}` "
					f"(name, creation, modified, owner, modified_by, {', '.join(columns)})",
					(path,),
				)
				seconds += time.perf_counter() - started
				cursor.execute(f"drop table `{table}`")
	finally:
		conn.close()
	return seconds


def _data_import(doctype: str, path: str) -> tuple[float, int]:
	"""Seconds of Frappe's Data Import of a CSV, as the desk runs it: a saved Data Import with the
	file attached, imported by the function its background job calls (a commit and a log per row)."""
	import frappe
	from frappe.core.doctype.data_import.data_import import start_import

	with open(path, "rb") as f:
		file = frappe.get_doc(
			{"doctype": "File", "file_name": os.path.basename(path), "content": f.read(), "is_private": 1}
		).insert()
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": "Insert New Records",
			"import_file": file.file_url,
		}
	).insert()
	frappe.db.commit()
	started = time.perf_counter()
	start_import(data_import.name)
	seconds = time.perf_counter() - started
	failed = frappe.get_all(
		"Data Import Log", filters={"data_import": data_import.name, "success": 0}, pluck="messages"
	)
	# a synthetic NPI may already belong to a demo provider: Data Import refuses that row, as it should
	if any("Duplicate NPI" not in (message or "") for message in failed):
		raise AssertionError(f"Data Import of {doctype} failed: {failed[:3]}")
	return seconds, len(failed)


def nppes(rows: int = 3000, seed: int = 23, first_npi: int = 7_000_000) -> dict:
	"""The app's import of a synthetic NPPES file, Frappe's Data Import of the same Practice and
	Provider rows (another NPI range, so neither finds the other's records) and LOAD DATA of the bare rows."""
	import frappe

	from referral_crm.benchmarks.nppes_import import write_file
	from referral_crm.core.referral_sources.nppes import NppesFilter, read_nppes
	from referral_crm.referral_sources.duplicates import index_changed_since
	from referral_crm.referral_sources.nppes import NppesImporter

	frappe.set_user("Administrator")
	directory = tempfile.mkdtemp(prefix="ratio-nppes-")
	ours_file = write_file(rows, directory, first_npi=first_npi, seed=seed)
	theirs_file = write_file(rows, directory, first_npi=first_npi + 500_000, seed=seed)

	started, since = time.perf_counter(), frappe.utils.now_datetime()
	summary = NppesImporter().run(read_nppes(ours_file, NppesFilter()), commit=True)
	for doctype in ("Practice", "Provider"):  # as the desk's import job does: keyed for duplicate checks
		index_changed_since(doctype, since, commit=True)
	ours = time.perf_counter() - started

	practices, providers = _bare_rows(theirs_file)
	before = frappe.db.count("Practice"), frappe.db.count("Provider")
	theirs, refused = 0.0, 0
	for doctype, columns, bare in (
		("Practice", PRACTICE_COLUMNS, practices),
		("Provider", PROVIDER_COLUMNS, providers),
	):
		seconds, failed = _data_import(
			doctype, _write_csv(os.path.join(directory, f"{doctype}.csv"), columns, bare)
		)
		theirs, refused = theirs + seconds, refused + failed
	imported = frappe.db.count("Practice") - before[0], frappe.db.count("Provider") - before[1]

	ceiling = _load_data_ceiling(practices, providers, directory)
	figures = {
		"file rows": rows,
		"import: records written": summary.practices_inserted + summary.providers_inserted,
		"import s": round(ours, 1),
		"import file rows/s": round(rows / ours),
		"Data Import: practices and providers": [len(practices), len(providers)],
		"Data Import: imported": list(imported),
		"Data Import: refused (NPI already on the site)": refused,
		"Data Import s": round(theirs, 1),
		"LOAD DATA s": round(ceiling, 2),
		"LOAD DATA records/s": round((len(practices) + len(providers)) / ceiling),
		"import records/s": round((summary.practices_inserted + summary.providers_inserted) / ours),
		"Data Import records/s": round((imported[0] + imported[1]) / theirs, 1),
		# the same source rows; the import writes more from them (offices for individuals, territories)
		"ratio (Data Import s / import s)": round(theirs / ours, 1),
		"ceiling (import s / LOAD DATA s)": round(ours / ceiling, 1),
	}
	print(json.dumps(figures))
	return figures


# The intake API
# --------------


def intake_client(path: str = CLIENT_FILE, clients: int = 1, referrers: int = 200) -> str:
	"""Intake integration users with API keys, one per client (the intake API's rate limit is per
	user, as each EHR or fax server is its own user), and referrers that exist on the site, one per
	first and last name, for `main`."""
	import frappe
	from frappe.query_builder.functions import Min

	frappe.local.conf.throttle_user_limit = 1000  # 60 new users an hour is a guard for sign-ups
	tokens = []
	for number in range(clients):
		email = f"bench-ratio-intake{f'-{number:02d}' if number else ''}@bench.referral-crm.test"
		if not frappe.db.exists("User", email):
			user = frappe.get_doc({"doctype": "User", "email": email, "first_name": f"Ratio Intake {number}"})
			user.flags.no_welcome_mail = True
			user.insert(ignore_permissions=True)
			user.add_roles("Intake Coordinator")
		user = frappe.get_doc("User", email)
		user.api_key, user.api_secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		secret = user.api_secret
		user.save(ignore_permissions=True)
		tokens.append(f"token {user.api_key}:{secret}")
	provider = frappe.qb.DocType("Provider")
	rows = (
		frappe.qb.from_(provider)
		.select(
			provider.last_name,
			provider.first_name,
			Min(provider.name).as_("name"),
		)
		.where(provider.npi.isnotnull() & provider.primary_practice.isnotnull() & provider.phone.isnotnull())
		.groupby(provider.last_name, provider.first_name)
		.orderby(provider.last_name)
		.orderby(provider.first_name)
		.run(as_dict=True)
	)
	step = max(1, len(rows) // referrers)
	chosen = frappe.get_all(
		"Provider",
		filters={"name": ("in", [row.name for row in rows[::step][:referrers]])},
		fields=["name", "npi", "first_name", "last_name", "phone"],
		order_by="name",
	)
	frappe.db.commit()
	with open(path, "w") as out:
		json.dump({"tokens": tokens, "referrers": chosen}, out, default=str)
	os.chmod(path, 0o644)
	return path


PATIENT = {"first_name": "Walter", "last_name": "Nowak", "date_of_birth": "1941-03-09"}
DIAGNOSIS = "CHF exacerbation, home health evaluation"
INTAKE_BY_NPI = "intake, referrer matched by NPI"
INTAKE_BY_NAME = "intake, referrer matched by name and phone"
REST = "POST /api/resource/Referral"


def _calls(referrer: dict) -> list[tuple[str, str, dict]]:
	"""One round of a client: the intake API by NPI, the generic POST, the intake API by name and
	phone, the generic POST again; the same number of each path, alternating, same referrer."""

	def intake(provider: dict) -> tuple[str, dict]:
		return "/api/method/referral_crm.api.intake.create_referral", {
			"external_id": f"RATIO-{uuid.uuid4().hex}",
			"patient": PATIENT,
			"referring_provider": provider,
			"channel": "EHR / e-Referral",
			"diagnosis": DIAGNOSIS,
		}

	def resource() -> tuple[str, dict]:
		return "/api/resource/Referral", {
			"external_id": f"RATIO-{uuid.uuid4().hex}",
			"patient_first_name": PATIENT["first_name"],
			"patient_last_name": PATIENT["last_name"],
			"patient_date_of_birth": PATIENT["date_of_birth"],
			"referring_provider": referrer["name"],  # the caller has looked the provider up already
			"channel": "EHR / e-Referral",
			"received_at": time.strftime("%Y-%m-%d %H:%M:%S"),
			"diagnosis": DIAGNOSIS,
		}

	names = {"first_name": referrer["first_name"], "last_name": referrer["last_name"]}
	return [
		(INTAKE_BY_NPI, *intake({"npi": referrer["npi"], **names})),
		(REST, *resource()),
		(INTAKE_BY_NAME, *intake({**names, "phone": referrer["phone"]})),
		(REST, *resource()),
	]


def _client(url: str, host: str | None, token: str, referrers: list[dict], rounds: int, seed: int) -> dict:
	"""One client's rounds on its own connection: each call's path, milliseconds and how the intake
	API found the referrer (its answer's referring_provider_matched_by)."""
	import random

	import requests

	session = requests.Session()
	session.headers.update({"Authorization": token, **({"Host": host} if host else {})})
	rng = random.Random(seed)
	times, matched = {}, Counter()
	for n in range(rounds + 1):
		referrer = rng.choice(referrers)
		for label, path, body in _calls(referrer):
			started = time.perf_counter()
			response = session.post(url + path, json=body)
			seconds = (time.perf_counter() - started) * 1000
			if not response.ok:
				raise RuntimeError(f"{label}: {response.status_code} {response.text[-2000:]}")
			if n == 0:
				continue  # the first round warms the connection up
			times.setdefault(label, []).append(seconds)
			if label != REST:
				found = response.json()["message"].get("referring_provider_matched_by")
				matched[(label, found)] += 1
	return {"times": times, "matched": matched}


def _p95(values: list[float]) -> float:
	values = sorted(values)
	return values[-(-len(values) * 95 // 100) - 1]


def run_clients(url: str, client_file: str, clients: int, rounds: int, host: str | None = None) -> dict:
	"""`clients` threads, each its own integration user, each alternating the intake API and the
	generic POST, so both paths see the same load at the same time."""
	from concurrent.futures import ThreadPoolExecutor

	with open(client_file) as f:
		setup = json.load(f)
	if len(setup["tokens"]) < clients:
		raise SystemExit(f"{client_file} has {len(setup['tokens'])} users; make {clients} with intake_client")
	started = time.perf_counter()
	with ThreadPoolExecutor(clients) as pool:
		results = list(
			pool.map(
				lambda n: _client(url, host, setup["tokens"][n], setup["referrers"], rounds, seed=n),
				range(clients),
			)
		)
	seconds = time.perf_counter() - started
	times, matched = {}, Counter()
	for result in results:
		for label, values in result["times"].items():
			times.setdefault(label, []).extend(values)
		matched.update(result["matched"])
	rest = times[REST]
	figures = {
		"clients": clients,
		"referrers (distinct names)": len(setup["referrers"]),
		"seconds": round(seconds, 1),
		"referrers found by": {f"{label}: {how}": count for (label, how), count in matched.items()},
	}
	intake = times[INTAKE_BY_NPI] + times[INTAKE_BY_NAME]
	for label, values in (
		(INTAKE_BY_NPI, times[INTAKE_BY_NPI]),
		(INTAKE_BY_NAME, times[INTAKE_BY_NAME]),
		("intake, both", intake),
		(REST, rest),
	):
		figures[label] = {
			"calls": len(values),
			"median ms": round(statistics.median(values), 1),
			"p95 ms": round(_p95(values), 1),
			"requests/s": round(len(values) / seconds, 1),
			"median against REST": round(statistics.median(values) / statistics.median(rest), 2),
			"p95 against REST": round(_p95(values) / _p95(rest), 2),
		}
	return figures


def main() -> None:
	parser = argparse.ArgumentParser(description="The intake API against POST /api/resource/Referral")
	parser.add_argument("--url", required=True)
	parser.add_argument("--host", help="the site's name, when the server serves several (gunicorn)")
	parser.add_argument("--clients", type=int, default=1)
	parser.add_argument("--rounds", type=int, default=75, help="per client; 4 calls a round")
	parser.add_argument("--client", default=CLIENT_FILE)
	args = parser.parse_args()
	print(
		json.dumps(
			run_clients(args.url.rstrip("/"), args.client, args.clients, args.rounds, args.host), indent=1
		)
	)


if __name__ == "__main__":
	main()
