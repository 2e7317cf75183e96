"""Likely duplicate practices and providers: the site's index of what each record is compared under,
the candidates of one record or one import read from it while a person waits, the background sweep
of a whole site, and merging two records through Frappe's own rename-and-merge."""

import hashlib
import json
import time
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from referral_crm.core.referral_sources.duplicates import (
	MAX_BLOCK,
	Candidate,
	DuplicatePair,
	block_keys,
	find_duplicate_pairs,
)
from referral_crm.referral_sources.rollups import update_practice_last_contact, update_referral_counts

DOCTYPES = ("Practice", "Provider")
KEY = "Duplicate Key"
SWEEP = "Duplicate Sweep"
LIVE_LIMIT = 20_000  # more records than this are compared in the background, not while a person waits
SWEEP_LOWEST_SCORE = 70  # a sweep keeps pairs from this score, so the report's threshold can go down to it
SWEEP_MOST_PAIRS = 50_000  # the best ones; more is not a list a person works through
FIELDS = {
	"Practice": [
		"name",
		"practice_name",
		"npi",
		"phone",
		"fax",
		"address_line1",
		"zip_code",
		"also_known_as",
	],
	"Provider": ["name", "provider_name", "npi", "phone", "fax", "primary_practice"],
}
NAME_FIELD = {"Practice": "practice_name", "Provider": "provider_name"}
CHUNK = 5000
INDEX_CHUNK = 500  # records keyed per transaction after a bulk write
DEADLOCK_RETRIES = 5


def as_candidate(doctype: str, r) -> Candidate:
	if doctype == "Practice":
		return Candidate(
			r.name,
			r.practice_name or "",
			r.npi or "",
			r.phone or "",
			r.fax or "",
			r.address_line1 or "",
			r.zip_code or "",
			tuple((r.also_known_as or "").splitlines()),
		)
	# A provider's place is their primary practice: the same one counts as the same address.
	return Candidate(
		r.name,
		r.provider_name or "",
		r.npi or "",
		r.phone or "",
		r.fax or "",
		r.primary_practice or "",
		"00000" if r.primary_practice else "",
	)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
	for start in range(0, len(items), size):
		yield items[start : start + size]


# The index
# ---------


def index_records(doctype: str, names: Iterable[str]) -> int:
	"""Rewrite the keys of these records from what they hold now (a deleted one keeps none)."""
	names = list(set(names))
	written = 0
	table = DocType(KEY)
	for chunk in _chunks(names):
		records = frappe.get_all(doctype, filters={"name": ("in", chunk)}, fields=FIELDS[doctype])
		# Deleted by the keys' own names: deleting by record locks the index gaps beside records that
		# have no keys yet (new ones), where another writer's keys go in, and the two deadlock.
		stale = frappe.get_all(KEY, filters={"record_type": doctype, "record": ("in", chunk)}, pluck="name")
		if stale:
			frappe.qb.from_(table).delete().where(table.name.isin(stale)).run()
		written += _write_keys(doctype, records)
	return written


def _key_name(doctype: str, record: str, key: str) -> str:
	return hashlib.sha1(f"{doctype}|{record}|{key}".encode()).hexdigest()[:20]


def _write_keys(doctype: str, records) -> int:
	now = now_datetime()
	rows = [
		(_key_name(doctype, r.name, key), doctype, r.name, key, now, now, "Administrator", "Administrator")
		for r in records
		for key in sorted(block_keys(as_candidate(doctype, r)))
	]
	if rows:
		frappe.db.bulk_insert(
			KEY,
			("name", "record_type", "record", "match_key", "creation", "modified", "owner", "modified_by"),
			rows,
			ignore_duplicates=True,  # a key another writer of the same record put in meanwhile is this one
		)
	return len(rows)


def rebuild_index(doctype: str, commit: bool = False) -> int:
	"""Every record's keys again (after a bulk load that saved no documents). Returns keys written.

	A chunk of records at a time, each committed when `commit`, so that people saving records
	meanwhile never wait on the whole site's keys; keys of records deleted meanwhile go at the end."""
	written = 0
	for chunk in _chunks(frappe.get_all(doctype, pluck="name", order_by="name")):
		written += index_records(doctype, chunk)
		if commit:
			frappe.db.commit()
	key, record = DocType(KEY), DocType(doctype)
	orphans = (
		frappe.qb.from_(key)
		.left_join(record)
		.on(key.record == record.name)
		.select(key.name)
		.where((key.record_type == doctype) & record.name.isnull())
		.run(pluck=True)
	)
	for chunk in _chunks(orphans):
		frappe.db.delete(KEY, {"name": ("in", chunk)})
	if commit:
		frappe.db.commit()
	return written


def index_changed_since(doctype: str, since, commit: bool = False) -> None:
	"""Re-key the records changed since a moment (rows written in bulk: an import, a load), a chunk at
	a time. With `commit` each chunk is its own transaction: another import (or a person saving a
	practice) may be keying some of the same records, and holding every key until the end would keep
	them waiting; a chunk that still meets a deadlock is rolled back and keyed again."""
	names = sorted(frappe.get_all(doctype, filters={"modified": (">=", since)}, pluck="name"))
	for chunk in _chunks(names, INDEX_CHUNK):
		for attempt in range(DEADLOCK_RETRIES):
			try:
				index_records(doctype, chunk)
				if commit:
					frappe.db.commit()
				break
			except frappe.QueryDeadlockError:  # Frappe's name for MariaDB's 1213
				if not commit or attempt == DEADLOCK_RETRIES - 1:
					raise
				frappe.db.rollback()
				time.sleep(0.1 * 2**attempt)


def keep_index(doc, method=None) -> None:
	"""Practice and Provider on_update: the record's keys follow its name, numbers and address (a save
	that changed none of them, a stage move or a note, leaves them)."""
	if any(doc.has_value_changed(field) for field in FIELDS[doc.doctype][1:]):
		index_records(doc.doctype, [doc.name])


def forget_index(doc, method=None) -> None:
	"""Practice and Provider on_trash."""
	frappe.db.delete(KEY, {"record_type": doc.doctype, "record": doc.name})


def reindex_yesterdays_changes() -> None:
	"""Daily: whatever changed records without saving documents (a bulk path) is keyed by the next day."""
	since = frappe.utils.add_days(now_datetime(), -1)
	for doctype in DOCTYPES:
		index_changed_since(doctype, since, commit=True)


# Reading candidates
# ------------------


def candidates_of(doctype: str, names: list[str], threshold: int) -> tuple[list[DuplicatePair], dict]:
	"""Pairs with any of these records, from the records sharing a key with them: (pairs, {name: title}).

	Only records the user may see are read (frappe.get_list), as in the whole-site comparison."""
	fields = FIELDS[doctype]
	targets = []
	for chunk in _chunks(list(set(names))):
		targets += frappe.get_list(
			doctype, filters={"name": ("in", chunk)}, fields=fields, limit_page_length=0
		)
	if not targets:
		return [], {}
	target_candidates = [as_candidate(doctype, r) for r in targets]
	keys = sorted({key for c in target_candidates for key in block_keys(c)})
	table = DocType(KEY)
	crowded, others = set(), set()
	for chunk in _chunks(keys):
		in_chunk = (table.record_type == doctype) & table.match_key.isin(chunk)
		crowded |= {
			key
			for (key,) in frappe.qb.from_(table)
			.select(table.match_key)
			.where(in_chunk)
			.groupby(table.match_key)
			.having(Count("*") > MAX_BLOCK)
			.run()
		}
	for chunk in _chunks([k for k in keys if k not in crowded]):
		others |= {
			record
			for (record,) in frappe.qb.from_(table)
			.select(table.record)
			.distinct()
			.where((table.record_type == doctype) & table.match_key.isin(chunk))
			.run()
		}
	others -= {c.id for c in target_candidates}
	records = list(target_candidates)
	for chunk in _chunks(sorted(others)):
		records += [
			as_candidate(doctype, r)
			for r in frappe.get_list(
				doctype, filters={"name": ("in", chunk)}, fields=fields, limit_page_length=0
			)
		]
	pairs = find_duplicate_pairs(
		records, threshold, involving={c.id for c in target_candidates}, crowded=crowded
	)
	return pairs, {c.id: c.name for c in records}


def changed_by_import(doctype: str, nppes_import: str) -> list[str]:
	"""The records an NPPES import wrote or changed: modified between its start and its end."""
	frappe.has_permission("NPPES Import", "read", nppes_import, throw=True)
	started, finished = frappe.db.get_value("NPPES Import", nppes_import, ["started_at", "finished_at"])
	if not started:
		frappe.throw(_("NPPES import {0} has not run yet.").format(nppes_import))
	filters = [["modified", ">=", started]]
	if finished:
		filters.append(["modified", "<=", finished])
	return frappe.get_list(doctype, filters=filters, pluck="name", limit_page_length=0)


# The whole site
# --------------


def compared_while_waiting(doctype: str) -> bool:
	"""Small enough to compare every record while a person waits."""
	return frappe.db.count(doctype) <= LIVE_LIMIT


def latest_sweep(doctype: str) -> dict | None:
	sweeps = frappe.get_all(
		SWEEP,
		filters={"record_type": doctype},
		fields=["name", "status", "started_at", "finished_at", "records", "pairs", "lowest_score", "error"],
		order_by="creation desc",
		limit=1,
	)
	return sweeps[0] if sweeps else None


def last_done_sweep(doctype: str):
	name = frappe.db.get_value(
		SWEEP, {"record_type": doctype, "status": "Done"}, "name", order_by="finished_at desc"
	)
	return frappe.get_doc(SWEEP, name) if name else None


@frappe.whitelist(methods=["POST"])
def start_sweep(record_type: str) -> str:
	"""Compare every practice (or provider) in the background; the report shows the result when done."""
	if record_type not in DOCTYPES:
		frappe.throw(_("Look for duplicate practices or providers."))
	frappe.has_permission(record_type, "write", throw=True)
	return queue_sweep(record_type)


def queue_sweep(record_type: str) -> str:
	running = frappe.db.get_value(
		SWEEP, {"record_type": record_type, "status": ("in", ("Queued", "Running"))}
	)
	if running:
		return running
	sweep = frappe.get_doc({"doctype": SWEEP, "record_type": record_type, "status": "Queued"})
	sweep.insert(ignore_permissions=True)  # a record of the app's own background work
	frappe.enqueue(
		"referral_crm.referral_sources.duplicates.run_sweep",
		queue="long",
		timeout=3600,
		sweep=sweep.name,
		enqueue_after_commit=True,
	)
	return sweep.name


def sweep_weekly() -> None:
	"""Weekly: each large site's whole comparison again (small ones are compared while a person waits)."""
	for doctype in DOCTYPES:
		if not compared_while_waiting(doctype):
			queue_sweep(doctype)


def run_sweep(sweep: str) -> None:
	doc = frappe.get_doc(SWEEP, sweep)
	doc.db_set({"status": "Running", "started_at": now_datetime()})
	frappe.db.commit()
	try:
		rebuild_index(doc.record_type, commit=True)  # the sweep also sets the index straight
		records = [
			as_candidate(doc.record_type, r)
			for r in frappe.get_all(doc.record_type, fields=FIELDS[doc.record_type])
		]
		pairs = find_duplicate_pairs(records, SWEEP_LOWEST_SCORE)[:SWEEP_MOST_PAIRS]
		doc.db_set(
			{
				"status": "Done",
				"finished_at": now_datetime(),
				"records": len(records),
				"pairs": len(pairs),
				"lowest_score": SWEEP_LOWEST_SCORE,
				"result": json.dumps([[p.a, p.b, p.score, list(p.reasons)] for p in pairs]),
			}
		)
		frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		doc.db_set(
			{"status": "Failed", "finished_at": now_datetime(), "error": frappe.get_traceback()[-2000:]}
		)
		frappe.db.commit()
		raise


def swept_pairs(sweep, threshold: int) -> tuple[list[DuplicatePair], dict]:
	"""The sweep's pairs from `threshold`, of records the user may still see: (pairs, {name: title})."""
	pairs = [
		DuplicatePair(a, b, score, tuple(reasons))
		for a, b, score, reasons in json.loads(sweep.result or "[]")
		if score >= threshold
	]
	wanted = sorted({p.a for p in pairs} | {p.b for p in pairs})
	titles = {}
	name_field = NAME_FIELD[sweep.record_type]
	for chunk in _chunks(wanted):
		for r in frappe.get_list(
			sweep.record_type,
			filters={"name": ("in", chunk)},
			fields=["name", name_field],
			limit_page_length=0,
		):
			titles[r.name] = r.get(name_field) or ""
	return [p for p in pairs if p.a in titles and p.b in titles], titles


# Merging
# -------


@frappe.whitelist(methods=["POST"])
def merge_records(doctype: str, keep: str, remove: str) -> str:
	"""Move everything of `remove` (links, visits, referrals, comments, files) to `keep`, then delete it."""
	if doctype not in DOCTYPES:
		frappe.throw(_("Only practices and providers are merged here."))
	if keep == remove:
		frappe.throw(_("Choose two different records."))
	frappe.has_permission(doctype, "write", keep, throw=True)
	frappe.has_permission(doctype, "delete", remove, throw=True)
	kept_npi, removed_npi = (frappe.db.get_value(doctype, name, "npi") for name in (keep, remove))
	if kept_npi and removed_npi and kept_npi != removed_npi:
		frappe.throw(
			_("{0} and {1} have different NPIs, so they are different entities and stay apart.").format(
				frappe.bold(keep), frappe.bold(remove)
			),
			title=_("Not a Duplicate"),
		)
	if removed_npi and not kept_npi:  # the NPI is unique: take it off the record that goes first
		frappe.db.set_value(doctype, remove, "npi", None, update_modified=False)
	frappe.rename_doc(doctype, remove, keep, merge=True, force=True, show_alert=False)
	frappe.db.delete(KEY, {"record_type": doctype, "record": remove})
	if removed_npi and not kept_npi:
		frappe.db.set_value(doctype, keep, "npi", removed_npi)
	if doctype == "Practice":
		drop_repeated_practice_rows(keep)
		update_practice_last_contact(keep)
		update_referral_counts({keep}, set())
	else:
		update_referral_counts(set(), {keep})
	index_records(doctype, [keep])
	return keep


def drop_repeated_practice_rows(practice: str) -> None:
	"""A provider who worked at both records now lists the kept practice twice: keep one row."""
	rows = frappe.get_all(
		"Provider Practice",
		filters={"practice": practice, "parenttype": "Provider"},
		fields=["name", "parent", "is_primary"],
		order_by="is_primary desc, idx asc",
	)
	seen = set()
	for row in rows:
		if row.parent in seen:
			frappe.db.delete("Provider Practice", {"name": row.name})
		seen.add(row.parent)
