"""The weekly rollup per referral source (Referral Source Week): kept current as referrals change,
rebuilt in bulk for a range of weeks, and read by the alert job and the reports."""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Min
from frappe.utils import get_datetime, getdate, now_datetime

from referral_crm.core.referrals.rollup import PRACTICE, PROVIDER, ReferralRow, weekly_rollup
from referral_crm.core.weeks import week_start
from referral_crm.settings import first_weekday, note_sla_hours

ROLLUP = "Referral Source Week"
ROLLUP_FIELDS = (
	"name",
	"source_type",
	"source",
	"source_name",
	"week_start",
	"referral_territory",
	"liaison",
	"received",
	"admitted",
	"admitted_of_received",
	"median_hours_to_soc",
	"notes_due",
	"notes_on_time",
	"soc_hours",
	"non_admit_reasons",
	"creation",
	"modified",
	"owner",
	"modified_by",
)


def _rows_name(source_type: str, source: str, week: date) -> str:
	"""The week first: the table is stored in name order, so a run of weeks is read in one sweep of it
	(rollup_range). A source name too long to fit is replaced by its hash."""
	name = f"{week:%Y-%m-%d}|{source_type}|{source}"
	if len(name) <= 140:
		return name
	return f"{week:%Y-%m-%d}|{source_type}|#{hashlib.sha1(source.encode()).hexdigest()}"


def rollup_range(first_week: date, last_week: date) -> list[list]:
	"""Filters on the rollup's names that select these weeks (with week_start, for a reader's sake)."""
	return [
		["name", ">=", f"{first_week:%Y-%m-%d}"],
		["name", "<", f"{last_week + timedelta(days=1):%Y-%m-%d}"],
		["week_start", "between", [first_week, last_week]],
	]


def _fetch_referrals(condition) -> list[ReferralRow]:
	referral = DocType("Referral")
	rows = (
		frappe.qb.from_(referral)
		.select(
			referral.referring_practice,
			referral.referring_provider,
			referral.received_at,
			referral.status,
			referral.start_of_care,
			referral.visit_note_sent_at,
			referral.non_admit_reason,
		)
		.where(condition(referral))
		.run()
	)
	return [ReferralRow(*row) for row in rows]


def _source_details(source_type: str, names: Iterable[str]) -> dict[str, tuple]:
	names = list(set(names))
	if not names:
		return {}
	table = DocType(source_type)
	label = table.practice_name if source_type == PRACTICE else table.provider_name
	liaison = table.liaison if source_type == PRACTICE else None
	query = frappe.qb.from_(table).select(table.name, label, table.referral_territory)
	if liaison is not None:
		query = query.select(liaison)
	out = {}
	for chunk_start in range(0, len(names), 5000):
		for row in query.where(table.name.isin(names[chunk_start : chunk_start + 5000])).run():
			out[row[0]] = (row[1], row[2], row[3] if len(row) > 3 else None)
	return out


def _rows(stats: dict, keep) -> list[tuple]:
	"""Rollup rows (ROLLUP_FIELDS) for the keys `keep` accepts."""
	now = now_datetime()
	details = {
		source_type: _source_details(source_type, [key[1] for key in stats if key[0] == source_type])
		for source_type in (PRACTICE, PROVIDER)
	}
	values = []
	for (source_type, source, week), s in stats.items():
		if not keep(source_type, source, week):
			continue
		name, territory, liaison = details[source_type].get(source, (None, None, None))
		median = s.median_hours_to_soc
		values.append(
			(
				_rows_name(source_type, source, week),
				source_type,
				source,
				name,
				week,
				territory,
				liaison,
				s.received,
				s.admitted,
				s.admitted_of_received,
				round(median, 1) if median is not None else 0,  # read with admitted_of_received
				s.notes_due,
				s.notes_on_time,
				s.hours_text(),
				s.reasons_text(),
				now,
				now,
				"Administrator",
				"Administrator",
			)
		)
	return values


def _write(stats: dict, keep) -> int:
	"""Write rollup rows for the keys `keep` accepts (their old rows already deleted)."""
	values = _rows(stats, keep)
	if values:
		frappe.db.bulk_insert(ROLLUP, ROLLUP_FIELDS, values, ignore_duplicates=False)
	return len(values)


COMPARED = slice(1, ROLLUP_FIELDS.index("creation"))  # what a row says, without its timestamps
_WEEK, _MEDIAN = ROLLUP_FIELDS.index("week_start") - 1, ROLLUP_FIELDS.index("median_hours_to_soc") - 1


def _comparable(row) -> tuple:
	values = list(row[COMPARED])
	values[_WEEK] = getdate(values[_WEEK])
	values[_MEDIAN] = round(float(values[_MEDIAN] or 0), 1)
	return tuple(values)


def rebuild_weeks(first_week: date, last_week: date) -> int:
	"""Recount every source for the weeks first_week..last_week (their start dates) from the referrals
	and rewrite the rollup rows that differ. Returns rows written.

	The rollup follows every saved referral, so a recount usually finds little to change; writing
	only that keeps the weekly job's recount of its window cheap."""
	start = get_datetime(first_week)
	end = get_datetime(last_week + timedelta(days=7))
	rows = _fetch_referrals(
		lambda r: ((r.received_at >= start) & (r.received_at < end))
		| ((r.start_of_care >= start) & (r.start_of_care < end))
	)
	stats = weekly_rollup(rows, first_weekday(), note_sla_hours(), now_datetime())
	wanted = {row[0]: row for row in _rows(stats, lambda _t, _s, week: first_week <= week <= last_week)}
	table = DocType(ROLLUP)
	held = {
		row[0]: _comparable(row)
		for row in frappe.qb.from_(table)
		.select(*(table[f] for f in ROLLUP_FIELDS[: COMPARED.stop]))
		.where((table.week_start >= first_week) & (table.week_start <= last_week))
		.run()
	}
	changed = [name for name, row in wanted.items() if held.get(name) != _comparable(row)]
	stale = changed + [name for name in held if name not in wanted]
	for chunk_start in range(0, len(stale), 5000):
		frappe.qb.from_(table).delete().where(table.name.isin(stale[chunk_start : chunk_start + 5000])).run()
	if changed:
		frappe.db.bulk_insert(
			ROLLUP, ROLLUP_FIELDS, [wanted[name] for name in changed], ignore_duplicates=False
		)
	return len(changed)


def refresh_sources(sources: set[tuple[str, str | None]], moments: set[datetime | None]) -> None:
	"""Recount the weeks of `moments` for these sources (after a referral was saved or deleted)."""
	sources = {(t, s) for t, s in sources if s}
	fw = first_weekday()
	weeks = {week_start(get_datetime(m), fw) for m in moments if m}
	if not sources or not weeks:
		return
	start, end = get_datetime(min(weeks)), get_datetime(max(weeks) + timedelta(days=7))
	table = DocType(ROLLUP)
	for source_type, source in sources:
		field = "referring_practice" if source_type == PRACTICE else "referring_provider"
		rows = _fetch_referrals(
			lambda r, field=field, source=source: (r[field] == source)
			& (
				((r.received_at >= start) & (r.received_at < end))
				| ((r.start_of_care >= start) & (r.start_of_care < end))
			)
		)
		stats = weekly_rollup(rows, fw, note_sla_hours(), now_datetime())
		frappe.qb.from_(table).delete().where(
			(table.source_type == source_type) & (table.source == source) & table.week_start.isin(list(weeks))
		).run()
		_write(stats, lambda t, s, w, key=(source_type, source): (t, s) == key and w in weeks)


def weekly_counts(source_type: str, weeks: list[date]) -> dict[str, dict[date, int]]:
	"""{source: {week: received}} for every source with a referral in any of `weeks`."""
	table = DocType(ROLLUP)
	counts: dict[str, dict[date, int]] = {}
	rows = (
		frappe.qb.from_(table)
		.select(table.source, table.week_start, table.received)
		.where((table.source_type == source_type) & table.week_start.isin(weeks))
		.run()
	)
	for source, week, received in rows:
		counts.setdefault(source, {})[getdate(week)] = received
	return counts


def rebuild_all() -> int:
	"""Recount every week since the first referral (after the week start or note promise changed)."""
	referral = DocType("Referral")
	first = frappe.qb.from_(referral).select(Min(referral.received_at)).run()[0][0]
	if not first:
		frappe.db.delete(ROLLUP)
		return 0
	fw = first_weekday()
	frappe.db.delete(ROLLUP)
	return rebuild_weeks(week_start(first, fw), week_start(now_datetime(), fw))
