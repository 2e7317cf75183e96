"""Monthly commission statements: load referrals and rules, let the core count, store the lines."""

from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Min
from frappe.utils import add_months, get_datetime, get_first_day, get_last_day, getdate, today

from referral_crm.core.referral_intelligence.commission import (
	Line,
	ReferralFacts,
	Rule,
	statement_lines,
	total,
)

STATEMENT = "Commission Statement"


def load_rules() -> list[Rule]:
	rules = frappe.get_all(
		"Commission Rule",
		filters={"enabled": 1},
		fields=[
			"name",
			"basis",
			"amount",
			"service_line",
			"new_account_bonus",
			"hunter_share",
			"farmer_share",
			"eligibility_days",
			"valid_from",
			"valid_to",
		],
		order_by="name",
	)
	return [
		Rule(
			name=r.name,
			basis=r.basis,
			amount=Decimal(str(r.amount or 0)),
			service_line=r.service_line,
			new_account_bonus=Decimal(str(r.new_account_bonus or 0)),
			hunter_share=Decimal(str(r.hunter_share or 0)),
			farmer_share=Decimal(str(r.farmer_share or 0)),
			eligibility_days=r.eligibility_days or 0,
			valid_from=getdate(r.valid_from) if r.valid_from else None,
			valid_to=getdate(r.valid_to) if r.valid_to else None,
		)
		for r in rules
	]


def earlier_lines(before: date, user: str | None = None, referrals: set[str] | None = None) -> list[Line]:
	"""Lines of statements of periods before `before` (drafts too: a draft claims what it lists until it
	is cancelled), of `user`'s statements or on `referrals`, whoever's statement they are on."""
	statement = DocType(STATEMENT)
	line = DocType("Commission Statement Line")
	condition = (statement.user == user) if user else None
	if referrals:
		on_referrals = line.referral.isin(list(referrals))
		condition = on_referrals if condition is None else condition | on_referrals
	if condition is None:
		return []
	rows = (
		frappe.qb.from_(line)
		.join(statement)
		.on(line.parent == statement.name)
		.select(
			line.referral,
			line.commission_rule,
			line.role,
			line.kind,
			line.basis_date,
			line.amount,
			line.reverses_kind,
			statement.user,
		)
		.where((statement.docstatus < 2) & (statement.period_start < before))
		.where(line.parenttype == STATEMENT)
		.where(condition)
		.run()
	)
	return [
		Line(
			ref,
			rule,
			role,
			kind,
			getdate(day),
			Decimal(str(amount)).quantize(Decimal("0.01")),
			reverses or None,
			owner,
		)
		for ref, rule, role, kind, day, amount, reverses, owner in rows
	]


def referral_facts(user: str, start: date, end: date, also: set[str]) -> list[ReferralFacts]:
	"""The user's referrals with any counting moment in the period or changed in it (entered late,
	reinstated, edited), plus `also` (what the user holds, for clawbacks)."""
	referral = DocType("Referral")
	lo, hi = get_datetime(start), get_datetime(end + timedelta(days=1))

	def within(column):
		return (column >= lo) & (column < hi)

	condition = ((referral.attributed_liaison == user) | (referral.attributed_coordinator == user)) & (
		within(referral.received_at)
		| within(referral.admitted_at)
		| within(referral.start_of_care)
		| within(referral.modified)
	)
	if also:
		condition = condition | referral.name.isin(list(also))
	rows = (
		frappe.qb.from_(referral)
		.select(
			referral.name,
			referral.status,
			referral.received_at,
			referral.admitted_at,
			referral.start_of_care,
			referral.service_line,
			referral.attributed_liaison,
			referral.attributed_coordinator,
			referral.referring_practice,
		)
		.where(condition)
		.run(as_dict=True)
	)
	first_received = _first_referral_times({row.referring_practice for row in rows} - {None})
	return [
		ReferralFacts(
			name=row.name,
			status=row.status,
			received_at=row.received_at,
			admitted_at=row.admitted_at,
			start_of_care=row.start_of_care,
			service_line=row.service_line,
			hunter=row.attributed_liaison,
			farmer=row.attributed_coordinator,
			first_from_source=bool(
				row.referring_practice and first_received.get(row.referring_practice) == row.received_at
			),
		)
		for row in rows
	]


def _first_referral_times(practices: set[str]) -> dict:
	if not practices:
		return {}
	referral = DocType("Referral")
	rows = (
		frappe.qb.from_(referral)
		.select(referral.referring_practice, Min(referral.received_at))
		.where(referral.referring_practice.isin(list(practices)) & (referral.status != "Cancelled"))
		.groupby(referral.referring_practice)
		.run()
	)
	return dict(rows)


def compute_lines(user: str, period_start: date) -> list[Line]:
	start, end = getdate(get_first_day(period_start)), getdate(get_last_day(period_start))
	held = {line.referral for line in earlier_lines(start, user=user)}
	referrals = referral_facts(user, start, end, held)
	earlier = earlier_lines(start, referrals={r.name for r in referrals})
	return statement_lines(user, start, end, load_rules(), referrals, earlier)


def fill_statement(statement) -> None:
	lines = compute_lines(statement.user, getdate(statement.period_start))
	statement.set(
		"lines",
		[
			{
				"referral": line.referral,
				"commission_rule": line.rule,
				"role": line.role,
				"kind": line.kind,
				"basis_date": line.basis_date,
				"amount": line.amount,
				"reverses_kind": line.reverses_kind,
			}
			for line in sorted(lines, key=lambda l: (l.basis_date, l.referral, l.rule, l.role, l.kind))
		],
	)
	statement.total = total(lines)
	statement.generated_at = frappe.utils.now_datetime()


def generate_statements(period_start: date | None = None) -> list[str]:
	"""Draft (or refresh the draft of) the month's statement of everyone with a counted referral."""
	period_start = getdate(get_first_day(period_start or add_months(today(), -1)))
	period_end = getdate(get_last_day(period_start))
	referral = DocType("Referral")
	lo, hi = get_datetime(period_start), get_datetime(period_end + timedelta(days=1))
	users = set()
	for column in (referral.attributed_liaison, referral.attributed_coordinator):
		users |= set(
			frappe.qb.from_(referral)
			.select(column)
			.distinct()
			.where(column.isnotnull())
			.where(
				((referral.received_at >= lo) & (referral.received_at < hi))
				| ((referral.admitted_at >= lo) & (referral.admitted_at < hi))
				| ((referral.start_of_care >= lo) & (referral.start_of_care < hi))
				| ((referral.modified >= lo) & (referral.modified < hi))
			)
			.run(pluck=True)
		)
	# Whoever was paid for a referral changed since (cancelled, credited to someone else).
	statement, line = DocType(STATEMENT), DocType("Commission Statement Line")
	users |= set(
		frappe.qb.from_(line)
		.join(statement)
		.on(line.parent == statement.name)
		.join(referral)
		.on(line.referral == referral.name)
		.select(statement.user)
		.distinct()
		.where((statement.docstatus < 2) & (statement.period_start < period_start))
		.where(referral.modified > statement.modified)
		.run(pluck=True)
	)
	names = []
	for user in sorted(users):
		existing = frappe.db.get_value(
			STATEMENT,
			{"user": user, "period_start": period_start, "docstatus": ("<", 2)},
			["name", "docstatus"],
		)
		if existing and existing[1] == 1:
			continue
		statement = frappe.get_doc(STATEMENT, existing[0]) if existing else frappe.new_doc(STATEMENT)
		statement.update({"user": user, "period_start": period_start})
		fill_statement(statement)
		if statement.is_new() and not statement.lines:
			continue
		statement.save(ignore_permissions=True)
		names.append(statement.name)
	return names
