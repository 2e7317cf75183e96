"""Figures a practice and a provider carry from their visits and referrals, kept cheap to read."""

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Count, Date, Max, Sum
from frappe.utils import getdate

from referral_crm.core.referrals.referral import ADMITTED_STATUSES, CANCELLED


def update_practice_last_contact(practice: str | None) -> None:
	"""Copy the latest visit's date, outcome, next step and follow-up onto the practice."""
	if not practice or not frappe.db.exists("Practice", practice):
		return
	latest = frappe.get_all(
		"Visit",
		filters={"practice": practice},
		fields=["visit_datetime", "outcome", "next_step", "follow_up_date"],
		order_by="visit_datetime desc, creation desc",
		limit=1,
	)
	visit = latest[0] if latest else frappe._dict()
	frappe.db.set_value(
		"Practice",
		practice,
		{
			"last_contact_date": getdate(visit.visit_datetime) if visit.visit_datetime else None,
			"last_outcome": visit.outcome,
			"next_step": visit.next_step,
			"next_follow_up": visit.follow_up_date,
		},
		update_modified=False,
	)


def update_referral_counts(practices: set[str | None], providers: set[str | None]) -> None:
	"""Recount referrals received (cancelled ones excluded) and admitted for each source."""
	referral = DocType("Referral")
	for doctype, source_field, sources in (
		("Practice", referral.referring_practice, practices),
		("Provider", referral.referring_provider, providers),
	):
		for source in filter(None, sources):
			if not frappe.db.exists(doctype, source):
				continue
			total, admitted, last_received = (
				frappe.qb.from_(referral)
				.select(
					Count(referral.name),
					Sum(Case().when(referral.status.isin(list(ADMITTED_STATUSES)), 1).else_(0)),
					Max(referral.received_at),
				)
				.where((source_field == source) & (referral.status != CANCELLED))
				.run()[0]
			)
			values = {
				"total_referrals": total or 0,
				"last_referral_date": getdate(last_received) if last_received else None,
			}
			if doctype == "Practice":
				values["admitted_referrals"] = int(admitted or 0)
			frappe.db.set_value(doctype, source, values, update_modified=False)


def fill_received_dates() -> None:
	"""Set Referral.received_date wherever rows were written without the controller (bulk loads, older versions)."""
	table = DocType("Referral")
	frappe.qb.update(table).set(table.received_date, Date(table.received_at)).where(
		table.received_date.isnull() & table.received_at.notnull()
	).run()
