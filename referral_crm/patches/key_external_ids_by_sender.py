"""External IDs are the sending system's: a referral received with one is keyed by (sender, id).
Referrals from before keep their id with the user that created them as the sender."""

import frappe


def execute():
	referral = frappe.qb.DocType("Referral")
	(
		frappe.qb.update(referral)
		.set(referral.source_system, referral.owner)
		.where(referral.external_id.isnotnull() & (referral.external_id != ""))
		.where(referral.source_system.isnull())
		.run()
	)
