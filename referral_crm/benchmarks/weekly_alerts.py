"""Benchmark of the weekly referral-count alert job on a practice network of realistic size.

Seeds Practices and Referrals straight into their tables (no controllers), builds the weekly rollup
for the whole history once, then times `referral_crm.referral_intelligence.alerts.run_weekly_job`:

	bench --site bench.localhost execute referral_crm.benchmarks.weekly_alerts.main

Smaller runs: --kwargs "{'practices': 2000, 'referrals': 100000}". The seeded rows are named
BENCH-PRAC-… and BENCH-REF-…; a rerun with the same sizes reuses them. Results are in docs/benchmarks.md.
"""

import itertools
import random
import resource
import statistics
import time
from collections import Counter
from datetime import date, datetime, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max
from frappe.utils import getdate, now_datetime

from referral_crm.core.referrals.referral import (
	ADMITTED,
	CANCELLED,
	DISCHARGED,
	NON_ADMIT_REASONS,
	NOT_ADMITTED,
	RECEIVED,
)
from referral_crm.core.weeks import last_complete_week, week_start, weeks_ending
from referral_crm.referral_intelligence.alerts import ALERT, alert_settings, run_weekly_job, source_types
from referral_crm.referral_sources.rollups import fill_received_dates
from referral_crm.referrals.weekly import ROLLUP, rebuild_weeks, weekly_counts
from referral_crm.settings import first_weekday

PRACTICE_PREFIX = "BENCH-PRAC-"
REFERRAL_PREFIX = "BENCH-REF-"
USER_DOMAIN = "bench.referral-crm.test"
LIAISONS = 24
COORDINATORS = 8
TERRITORIES = 8
CHUNK = 20_000  # rows per INSERT statement
COMMIT_EVERY = 100_000  # rows per transaction while seeding

PRACTICE_FIELDS = (
	"name",
	"practice_name",
	"practice_type",
	"account_stage",
	"referral_territory",
	"liaison",
	"referral_coordinator",
	"city",
	"state",
	"zip_code",
	"is_group",
	"lft",
	"rgt",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)
REFERRAL_FIELDS = (
	"name",
	"received_at",
	"channel",
	"status",
	"referring_practice",
	"referral_territory",
	"attributed_liaison",
	"attributed_coordinator",
	"patient_first_name",
	"patient_last_name",
	"patient_date_of_birth",
	"non_admit_reason",
	"admitted_at",
	"start_of_care",
	"discharged_at",
	"visit_note_sent_at",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)

FIRST_NAMES = (
	"Mary",
	"Robert",
	"Patricia",
	"James",
	"Linda",
	"John",
	"Barbara",
	"William",
	"Dorothy",
	"Richard",
	"Helen",
	"Charles",
	"Betty",
	"Joseph",
	"Ruth",
	"Thomas",
	"Shirley",
	"Donald",
	"Joan",
	"George",
)
LAST_NAMES = (
	"Smith",
	"Johnson",
	"Williams",
	"Brown",
	"Jones",
	"Garcia",
	"Miller",
	"Davis",
	"Rodriguez",
	"Martinez",
	"Wilson",
	"Anderson",
	"Taylor",
	"Thomas",
	"Moore",
	"Jackson",
	"Martin",
	"Lee",
	"Thompson",
	"White",
)
PRACTICE_KINDS = (  # (name suffix, practice type), weight
	(("Family Medicine", "Primary Care"), 40),
	(("Internal Medicine", "Primary Care"), 25),
	(("Cardiology Associates", "Specialty Practice"), 8),
	(("Pulmonary Care", "Specialty Practice"), 5),
	(("Orthopedics", "Specialty Practice"), 6),
	(("Medical Group", "Multi-Specialty Group"), 8),
	(("Regional Hospital", "Hospital"), 3),
	(("Skilled Nursing Center", "Skilled Nursing Facility"), 3),
	(("Senior Living", "Assisted Living Facility"), 2),
)
# Hospitals' discharge planners and facilities send many times what an office practice does.
TYPE_VOLUME = {
	"Hospital": 12.0,
	"Skilled Nursing Facility": 4.0,
	"Multi-Specialty Group": 3.0,
	"Assisted Living Facility": 2.0,
}
ACCOUNT_STAGES = (("Referring", 60), ("Engaged", 15), ("Contacted", 10), ("Dormant", 10), ("Target", 5))
CITIES = (
	("Albany", "NY", "122"),
	("Buffalo", "NY", "142"),
	("Rochester", "NY", "146"),
	("Syracuse", "NY", "132"),
	("Newark", "NJ", "071"),
	("Trenton", "NJ", "086"),
	("Hartford", "CT", "061"),
	("Scranton", "PA", "185"),
)
NON_ADMIT_WEIGHTS = (25, 15, 20, 15, 12, 8, 5)  # in the order of NON_ADMIT_REASONS

# How a source's weekly rate moves over the history, and how often each shape occurs.
SHAPES = (
	("steady", 70),
	("declining", 10),
	("growing", 7),
	("gone quiet", 5),
	("new", 4),
	("dropped last week", 2),
	("spiked last week", 2),
)


def _pick(rng: random.Random, weighted):
	"""One value of ((value, weight), ...), chosen by weight."""
	return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


# Seeding
# -------


def _bench_count(doctype: str, prefix: str) -> int:
	table = DocType(doctype)
	return frappe.qb.from_(table).select(Count("*")).where(table.name.like(f"{prefix}%")).run()[0][0]


def _clear_bench_rows() -> None:
	for doctype, prefix in (("Referral", REFERRAL_PREFIX), ("Practice", PRACTICE_PREFIX)):
		table = DocType(doctype)
		frappe.qb.from_(table).delete().where(table.name.like(f"{prefix}%")).run()
	rollup = DocType(ROLLUP)
	frappe.qb.from_(rollup).delete().where(rollup.source.like(f"{PRACTICE_PREFIX}%")).run()
	frappe.db.commit()


def _ensure_users() -> tuple[list[str], list[str]]:
	def user(kind: str, number: int, role: str) -> str:
		email = f"bench-{kind}-{number:02d}@{USER_DOMAIN}"
		if not frappe.db.exists("User", email):
			doc = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"Bench {kind.title()} {number:02d}",
					"send_welcome_email": 0,
				}
			)
			doc.flags.no_welcome_mail = True
			doc.insert(ignore_permissions=True)
			doc.add_roles(role)
		return email

	liaisons = [user("liaison", n, "Physician Liaison") for n in range(1, LIAISONS + 1)]
	coordinators = [user("coordinator", n, "Referral Coordinator") for n in range(1, COORDINATORS + 1)]
	return liaisons, coordinators


def _ensure_territories() -> list[str]:
	names = []
	for number in range(1, TERRITORIES + 1):
		name = f"Bench Territory {number:02d}"
		if not frappe.db.exists("Referral Territory", name):
			frappe.get_doc({"doctype": "Referral Territory", "territory_name": name}).insert(
				ignore_permissions=True
			)
		names.append(name)
	return names


def _practice_rows(rng, count, territories, liaisons, coordinators, now):
	"""Rows for Practice; (territory, liaison, coordinator) for each one's referrals; its volume factor."""
	rows, owners, volumes = [], [], []
	for number in range(1, count + 1):
		suffix, practice_type = _pick(rng, PRACTICE_KINDS)
		city, state, zip3 = rng.choice(CITIES)
		territory = territories[number % len(territories)]
		liaison = liaisons[number % len(liaisons)] if rng.random() < 0.9 else None
		coordinator = coordinators[number % len(coordinators)] if rng.random() < 0.6 else None
		rows.append(
			(
				f"{PRACTICE_PREFIX}{number:05d}",
				f"{rng.choice(LAST_NAMES)} {suffix} {number}",
				practice_type,
				_pick(rng, ACCOUNT_STAGES),
				territory,
				liaison,
				coordinator,
				city,
				state,
				f"{zip3}{rng.randrange(100):02d}",
				0,
				0,
				0,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
			)
		)
		owners.append((territory, liaison, coordinator))
		volumes.append(TYPE_VOLUME.get(practice_type, 1.0))
	return rows, owners, volumes


def _week_weights(rng: random.Random, volumes: list[float], weeks: int, first_week: date) -> list[float]:
	"""Expected share of all referrals in each (week, practice) cell, week-major.

	Practice volumes are gamma-distributed (shape 0.6: most practices send a referral now and then,
	a few send many) times the practice type's factor (TYPE_VOLUME); each practice follows one of
	SHAPES, weeks vary more than Poisson (gamma noise), and the year has a season (fewer referrals
	in the last week of December and in summer).
	"""
	shapes = []
	for volume in volumes:
		rate = rng.gammavariate(0.6, 1.0) * volume
		kind = _pick(rng, SHAPES)
		if kind == "declining":
			shapes.append((rate, kind, rng.randrange(0, max(1, weeks - 20)), rng.uniform(0.05, 0.5)))
		elif kind == "growing":
			shapes.append((rate, kind, rng.randrange(0, max(1, weeks - 20)), rng.uniform(1.5, 3.0)))
		elif kind == "gone quiet":
			shapes.append((rate * 2, kind, weeks - rng.randint(1, min(weeks, 40)), 0.0))
		elif kind == "new":
			shapes.append((rate, kind, weeks - rng.randint(1, min(weeks, 80)), 0.0))
		else:
			shapes.append((rate, kind, weeks - 1, 0.1 if kind == "dropped last week" else 4.0))

	def factor(kind: str, start: int, end: float, week: int) -> float:
		if kind in ("declining", "growing"):
			if week <= start:
				return 1.0
			return 1.0 + (end - 1.0) * (week - start) / max(1, weeks - 1 - start)
		if kind == "gone quiet":
			return 1.0 if week < start else 0.0
		if kind == "new":
			return 0.0 if week < start else 1.0
		if kind in ("dropped last week", "spiked last week"):
			return end if week == start else 1.0
		return 1.0

	weights = []
	for week in range(weeks):
		day = first_week + timedelta(weeks=week)
		season = 0.6 if (day.month == 12 and day.day >= 22) else 0.9 if day.month in (7, 8) else 1.0
		for rate, kind, start, end in shapes:
			share = rate * factor(kind, start, end, week)
			weights.append(share * season * rng.gammavariate(10.0, 0.1) if share else 0.0)
	return weights


def _receipt(rng: random.Random, week: date) -> datetime:
	"""A moment in `week`, on a weekday during office hours far more often than not."""
	days = [week + timedelta(days=d) for d in range(7)]
	day = rng.choices(days, [1.0 if d.weekday() < 5 else 0.12 for d in days])[0]
	return datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randrange(60), rng.randrange(60))


def _outcome(rng: random.Random, received: datetime, end: datetime) -> tuple:
	"""(status, non_admit_reason, admitted_at, start_of_care, discharged_at, visit_note_sent_at)."""
	if rng.random() < 0.04:
		return CANCELLED, None, None, None, None, None
	if end - received < timedelta(days=3) and rng.random() < 0.8:
		return RECEIVED, None, None, None, None, None
	roll = rng.random()
	if roll < 0.3:
		return NOT_ADMITTED, rng.choices(NON_ADMIT_REASONS, NON_ADMIT_WEIGHTS)[0], None, None, None, None
	if roll < 0.36:
		return RECEIVED, None, None, None, None, None
	start_of_care = received + timedelta(seconds=rng.randrange(18 * 3600, 54 * 3600))
	if start_of_care >= end:
		return RECEIVED, None, None, None, None, None
	note = start_of_care + timedelta(seconds=int(rng.expovariate(1 / 30) * 3600))
	note = note if note < end and rng.random() < 0.92 else None
	discharged = start_of_care + timedelta(days=rng.randint(21, 60))
	if discharged < end and rng.random() < 0.85:
		return DISCHARGED, None, start_of_care, start_of_care, discharged, note
	return ADMITTED, None, start_of_care, start_of_care, None, note


def _referral_rows(rng, cells, practices, owners, first_week, end):
	"""Referral rows for the sorted (week-major) cell indexes, oldest first."""
	for number, cell in enumerate(cells, start=1):
		week, practice = divmod(cell, practices)
		received = _receipt(rng, first_week + timedelta(weeks=week))
		status, reason, admitted_at, start_of_care, discharged_at, note = _outcome(rng, received, end)
		territory, liaison, coordinator = owners[practice]
		modified = max(t for t in (received, admitted_at, discharged_at, note) if t is not None)
		yield (
			f"{REFERRAL_PREFIX}{number:07d}",
			received,
			"Fax",
			status,
			f"{PRACTICE_PREFIX}{practice + 1:05d}",
			territory,
			liaison,
			coordinator,
			rng.choice(FIRST_NAMES),
			rng.choice(LAST_NAMES),
			date(rng.randint(1925, 1962), rng.randint(1, 12), rng.randint(1, 28)),
			reason,
			admitted_at,
			start_of_care,
			discharged_at,
			note,
			received,
			modified,
			"Administrator",
			"Administrator",
			0,
		)


def _insert(doctype: str, fields: tuple[str, ...], rows) -> int:
	"""bulk_insert in CHUNK-row statements, committing every COMMIT_EVERY rows."""
	written = 0
	rows = iter(rows)
	while batch := list(itertools.islice(rows, COMMIT_EVERY)):
		frappe.db.bulk_insert(doctype, fields, batch, chunk_size=CHUNK)
		frappe.db.commit()
		written += len(batch)
	return written


def _history(weeks: int, on_day: date | None = None) -> tuple[date, date]:
	last_week = last_complete_week(getdate(on_day or now_datetime()), first_weekday())
	return last_week - timedelta(weeks=weeks - 1), last_week


def seed(practices: int = 20000, referrals: int = 1_000_000, weeks: int = 104, seed: int = 7) -> dict:
	"""Write the benchmark's practices and referrals (unless already there) and rebuild the rollup.

	Returns the figures: seconds to seed (None when skipped) and to rebuild the rollup, rows written.
	"""
	figures = {"seed_s": None, "rollup_s": None, "rollup_rows": None}
	if _bench_count("Practice", PRACTICE_PREFIX) == practices and (
		_bench_count("Referral", REFERRAL_PREFIX) == referrals
	):
		first_week, last_week = _data_weeks(weeks)
		if _rollup_covers(first_week, last_week):
			return figures
	else:
		started = time.perf_counter()
		_clear_bench_rows()
		rng = random.Random(seed)
		now = now_datetime().replace(microsecond=0)
		first_week, last_week = _history(weeks)
		end = datetime.combine(last_week + timedelta(days=7), datetime.min.time())
		liaisons, coordinators = _ensure_users()
		territories = _ensure_territories()
		frappe.db.commit()

		rows, owners, volumes = _practice_rows(rng, practices, territories, liaisons, coordinators, now)
		_insert("Practice", PRACTICE_FIELDS, rows)
		del rows

		weights = _week_weights(rng, volumes, weeks, first_week)
		cells = sorted(
			rng.choices(range(len(weights)), cum_weights=list(itertools.accumulate(weights)), k=referrals)
		)
		del weights
		_insert("Referral", REFERRAL_FIELDS, _referral_rows(rng, cells, practices, owners, first_week, end))
		fill_received_dates()
		frappe.db.commit()
		figures["seed_s"] = time.perf_counter() - started

	started = time.perf_counter()
	figures["rollup_rows"] = rebuild_weeks(first_week, last_week)
	frappe.db.commit()
	figures["rollup_s"] = time.perf_counter() - started
	return figures


def _data_weeks(weeks: int) -> tuple[date, date]:
	"""The seeded history's first and last week, read from the referrals (so a rerun weeks later agrees)."""
	referral = DocType("Referral")
	latest = (
		frappe.qb.from_(referral)
		.select(Max(referral.received_at))
		.where(referral.name.like(f"{REFERRAL_PREFIX}%"))
		.run()[0][0]
	)
	last_week = week_start(latest, first_weekday())
	return last_week - timedelta(weeks=weeks - 1), last_week


def _rollup_covers(first_week: date, last_week: date) -> bool:
	rollup = DocType(ROLLUP)
	weeks = (
		frappe.qb.from_(rollup)
		.select(rollup.week_start)
		.distinct()
		.where(rollup.week_start.isin([first_week, last_week]) & rollup.source.like(f"{PRACTICE_PREFIX}%"))
		.run()
	)
	return len(weeks) == 2


# Timing
# ------


def _peak_rss_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _judged(on_day: date) -> dict[str, tuple[int, int]]:
	"""{source type: (sources with a referral in the job's weeks, of them big enough to test)}."""
	settings = alert_settings()
	weeks = weeks_ending(last_complete_week(on_day, first_weekday()), settings.history_weeks)
	out = {}
	for source_type in source_types():
		counts = weekly_counts(source_type, weeks)
		baseline = weeks[-1 - settings.baseline_weeks : -1]
		tested = sum(
			1
			for by_week in counts.values()
			if sum(by_week.get(w, 0) for w in baseline) / settings.baseline_weeks
			>= settings.min_baseline_mean
		)
		out[source_type] = (len(counts), tested)
	return out


def run(repeat: int = 3, weeks: int = 104, profile: str | None = None) -> dict:
	"""Time the weekly job `repeat` times on the seeded data, rolling back after each run.

	The job runs as of the first day after the seeded history, so every run judges the same week.
	With `profile`, the first run is profiled with cProfile and its stats written to that path.
	"""
	frappe.db.commit()
	_, last_week = _data_weeks(weeks)
	on_day = last_week + timedelta(days=7)
	seconds, created, kinds, todos = [], 0, Counter(), 0
	for attempt in range(repeat):
		profiler = None
		if profile and attempt == 0:
			import cProfile

			profiler = cProfile.Profile()
			profiler.enable()
		started = time.perf_counter()
		names = run_weekly_job(on_day)
		seconds.append(time.perf_counter() - started)
		if profiler:
			profiler.disable()
			profiler.dump_stats(profile)
		created = len(names)
		if names:
			kinds = Counter(frappe.get_all(ALERT, filters={"name": ("in", names)}, pluck="kind"))
			todos = frappe.db.count("ToDo", {"reference_type": ALERT, "reference_name": ("in", names)})
		frappe.db.rollback()  # the next run finds no alerts of this week and does the same work
	judged = _judged(on_day)
	return {
		"week": last_week,
		"runs": seconds,
		"median_s": statistics.median(seconds),
		"max_s": max(seconds),
		"judged": judged,
		"alerts": created,
		"alert_kinds": dict(kinds),
		"todos": todos,
		"peak_rss_mb": _peak_rss_mb(),
	}


def main(
	practices: int = 20000,
	referrals: int = 1_000_000,
	weeks: int = 104,
	seed_value: int = 7,
	repeat: int = 3,
	profile: str | None = None,
) -> None:
	"""Seed if needed, time the job, print one line per figure."""
	frappe.set_user("Administrator")
	print(f"data: {practices} practices, {referrals} referrals over {weeks} weeks (seed {seed_value})")
	seeded = seed(practices=practices, referrals=referrals, weeks=weeks, seed=seed_value)
	if seeded["seed_s"] is None:
		print("seed: skipped, data already present")
	else:
		print(f"seed: {seeded['seed_s']:.1f} s")
	if seeded["rollup_s"] is None:
		print("rollup rebuild: skipped, rollup already built")
	else:
		print(f"rollup rebuild ({weeks} weeks): {seeded['rollup_s']:.1f} s, {seeded['rollup_rows']} rows")
	print(f"peak RSS before the job: {_peak_rss_mb():.0f} MB")

	result = run(repeat=repeat, weeks=weeks, profile=profile)
	print(f"weekly job, week of {result['week']}: runs {', '.join(f'{s:.2f}' for s in result['runs'])} s")
	print(f"weekly job median: {result['median_s']:.2f} s")
	print(f"weekly job max: {result['max_s']:.2f} s")
	for source_type, (read, tested) in result["judged"].items():
		print(f"sources judged ({source_type}): {read} read, {tested} tested for drop/spike")
	print(f"alerts created: {result['alerts']} {result['alert_kinds']}, ToDos: {result['todos']}")
	print(f"peak RSS: {result['peak_rss_mb']:.0f} MB")
