"""Closing the loop in FHIR: each status change of a referral goes to the referrer's FHIR endpoint as
the Task on its ServiceRequest, through the outbox (retried with backoff, kept with its error)."""

import json

import frappe
from frappe import _
from frappe.utils import get_url

from referral_crm.core.referrals.fhir import task_for

BASE_PATH = "fhir/r4"
TASK_FIELDS = (
	"name",
	"status",
	"no_show",
	"non_admit_reason",
	"external_id",
	"received_at",
	"modified",
	"start_of_care",
	"discharged_at",
)


def base_url() -> str:
	return get_url(f"/{BASE_PATH}")


def agency_name() -> str:
	settings = frappe.get_cached_doc("Referral CRM Settings")
	return settings.get("fhir_organization_name") or settings.get("agency_name") or _("Home health agency")


def queue_task_push(referral, previous) -> list[str]:
	"""After a referral's status (or no-show) changed, queue its Task for each FHIR endpoint of the referrer."""
	if previous is None or (
		previous.status == referral.status and bool(previous.no_show) == bool(referral.no_show)
	):
		return []
	endpoints = fhir_endpoints(referral)
	if not endpoints:
		return []
	from referral_crm.outreach.outbox import OUTBOUND, enqueue_delivery

	task = task_for({f: referral.get(f) for f in TASK_FIELDS}, base_url(), agency_name())
	queued = []
	for url in endpoints:
		outbound = frappe.get_doc(
			{
				"doctype": OUTBOUND,
				"channel": "FHIR",
				"reference_doctype": "Referral",
				"reference_name": referral.name,
				"practice": referral.referring_practice,
				"endpoint_url": url,
				"payload": json.dumps(task),
				"purpose": "Status Notice",
				"subject": _("Referral {0}: {1}").format(referral.name, task["businessStatus"]["text"]),
			}
		)
		outbound.insert(ignore_permissions=True)
		enqueue_delivery(outbound.name)
		queued.append(outbound.name)
	return queued


def fhir_endpoints(referral) -> list[str]:
	"""The referrer's FHIR endpoints from NPPES (provider, then practice), else the configured one."""
	found = []
	for parenttype, parent in (
		("Provider", referral.referring_provider),
		("Practice", referral.referring_practice),
	):
		if not parent:
			continue
		found += frappe.get_all(
			"NPI Endpoint",
			filters={"parenttype": parenttype, "parent": parent, "endpoint_type": "FHIR"},
			pluck="endpoint",
			order_by="idx asc",
		)
	if not found and (default := frappe.db.get_single_value("Referral CRM Settings", "fhir_task_endpoint")):
		found = [default]
	return list(
		dict.fromkeys(u.strip() for u in found if u and u.strip().startswith(("http://", "https://")))
	)
