"""The weekly referral-count alert job and the Monday digest of sources to call."""

from datetime import date

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_days, formatdate, getdate, today

from referral_crm import replica
from referral_crm.core.referral_intelligence.trend import (
	DROP,
	GONE_QUIET,
	SPIKE,
	AlertSettings,
	Finding,
	assess_sources,
)
from referral_crm.core.referrals.rollup import PRACTICE, PROVIDER
from referral_crm.core.weeks import last_complete_week, weeks_ending
from referral_crm.referrals.weekly import rebuild_weeks, weekly_counts
from referral_crm.settings import first_weekday

ALERT = "Referral Source Alert"
OPEN = ("Open", "Acknowledged")


def alert_settings() -> AlertSettings:
	s = frappe.get_cached_doc("Referral CRM Settings")
	return AlertSettings(
		baseline_weeks=max(1, s.alert_baseline_weeks or 8),
		min_baseline_mean=s.alert_min_baseline_mean if s.alert_min_baseline_mean is not None else 1.0,
		significance=s.alert_significance or 0.05,
		quiet_weeks=s.quiet_weeks or 0,
		quiet_min_active_weeks=s.quiet_min_active_weeks or 0,
	)


def source_types() -> tuple[str, ...]:
	setting = frappe.db.get_single_value("Referral CRM Settings", "alert_source_types") or PRACTICE
	return (PRACTICE, PROVIDER) if setting == "Practice and Provider" else (setting,)


def run_weekly_job_if_due() -> None:
	"""Daily at midnight: the alert job runs on the first day of each referral week."""
	if getdate().weekday() == first_weekday():
		run_weekly_job()


def run_weekly_job(on_day: date | None = None) -> list[str]:
	"""Judge every source's last complete week against its baseline; record and announce what fired."""
	settings = alert_settings()
	last_week = last_complete_week(getdate(on_day or today()), first_weekday())
	weeks = weeks_ending(last_week, settings.history_weeks)
	rebuild_weeks(weeks[0], last_week)
	if replica.configured():
		frappe.db.commit()  # the judging reads the rebuilt weeks on the replica, which sees only commits

	created = []
	for source_type in source_types():
		findings, already, owners = judge_sources(source_type, weeks, last_week, settings)
		for source, finding in findings.items():
			if (source, finding.kind) in already:
				continue
			created.append(_create_alert(source_type, source, finding, last_week, owners.get(source, {})))
	return created


@replica.reads_from_replica
def judge_sources(
	source_type: str, weeks: list[date], last_week: date, settings: AlertSettings
) -> tuple[dict[str, Finding], set[tuple[str, str]], dict[str, dict]]:
	"""The reads of the job: what fired for each source, what was alerted already, who owns each source."""
	findings = assess_sources(weekly_counts(source_type, weeks), weeks, settings)
	if not findings:
		return {}, set(), {}
	return (
		findings,
		_already_alerted(source_type, list(findings), last_week),
		_owners(source_type, list(findings)),
	)


def _already_alerted(source_type: str, sources: list[str], week: date) -> set[tuple[str, str]]:
	"""(source, kind) pairs not to alert again: same week and kind, or an open Gone Quiet alert."""
	alert = DocType(ALERT)
	rows = (
		frappe.qb.from_(alert)
		.select(alert.source, alert.kind)
		.where((alert.source_type == source_type) & alert.source.isin(sources))
		.where((alert.week_start == week) | ((alert.kind == GONE_QUIET) & alert.status.isin(OPEN)))
		.run()
	)
	return {(source, kind) for source, kind in rows}


def _owners(source_type: str, sources: list[str]) -> dict[str, dict]:
	"""Name, territory, liaison and coordinator of each source (a provider's come from its primary practice)."""
	practice = DocType("Practice")
	if source_type == PRACTICE:
		rows = (
			frappe.qb.from_(practice)
			.select(
				practice.name.as_("source"),
				practice.practice_name.as_("source_name"),
				practice.referral_territory,
				practice.liaison,
				practice.referral_coordinator,
			)
			.where(practice.name.isin(sources))
			.run(as_dict=True)
		)
	else:
		provider = DocType("Provider")
		rows = (
			frappe.qb.from_(provider)
			.left_join(practice)
			.on(provider.primary_practice == practice.name)
			.select(
				provider.name.as_("source"),
				provider.provider_name.as_("source_name"),
				provider.referral_territory,
				practice.liaison,
				practice.referral_coordinator,
			)
			.where(provider.name.isin(sources))
			.run(as_dict=True)
		)
	return {row.source: row for row in rows}


def describe(finding: Finding, week: date) -> str:
	if finding.kind == GONE_QUIET:
		return _(
			"No referrals for the last {0} weeks, after {1:.1f} a week over the {2} weeks before. Call the office to ask what changed."
		).format(alert_settings().quiet_weeks, finding.baseline_mean, finding.baseline_weeks)
	ask = _("Call to thank them.") if finding.kind == SPIKE else _("Call the office to ask what went wrong.")
	if finding.recent_weeks > 1:
		return _(
			"{0} referrals over the last {1} weeks (to the week of {2}), against {3:.1f} a week over the {4} weeks before (p = {5:.4f}). {6}"
		).format(
			finding.recent_total,
			finding.recent_weeks,
			formatdate(week),
			finding.baseline_mean,
			finding.baseline_weeks,
			finding.p_value,
			ask,
		)
	return _(
		"{0} referrals in the week of {1}, against {2:.1f} a week over the {3} weeks before (p = {4:.4f}). {5}"
	).format(
		finding.this_week,
		formatdate(week),
		finding.baseline_mean,
		finding.baseline_weeks,
		finding.p_value,
		ask,
	)


def _create_alert(source_type: str, source: str, finding: Finding, week: date, owner: dict) -> str:
	alert = frappe.get_doc(
		{
			"doctype": ALERT,
			"kind": finding.kind,
			"source_type": source_type,
			"source": source,
			"source_name": owner.get("source_name") or source,
			"week_start": week,
			"this_week": finding.this_week,
			"baseline_mean": finding.baseline_mean,
			"baseline_weeks": finding.baseline_weeks,
			"p_value": finding.p_value,
			"liaison": owner.get("liaison"),
			"referral_coordinator": owner.get("referral_coordinator"),
			"referral_territory": owner.get("referral_territory"),
			"reason": describe(finding, week),
		}
	).insert(ignore_permissions=True)

	for user in {owner.get("liaison"), owner.get("referral_coordinator")} - {None}:
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"date": today(),
				"priority": "High" if finding.kind in (DROP, GONE_QUIET) else "Medium",
				"description": f"{alert.kind}: {frappe.utils.escape_html(alert.source_name)}. {alert.reason}",
				"reference_type": ALERT,
				"reference_name": alert.name,
				"assigned_by": "Administrator",
			}
		).insert(ignore_permissions=True)
	return alert.name


def send_monday_digest() -> None:
	"""Monday morning: each liaison and coordinator gets their open alerts, highest need first."""
	if not frappe.db.get_single_value("Referral CRM Settings", "send_weekly_digest"):
		return
	since = add_days(today(), -28)
	alerts = frappe.get_all(
		ALERT,
		filters={"status": ("in", OPEN), "week_start": (">=", since)},
		fields=[
			"name",
			"kind",
			"source_type",
			"source",
			"source_name",
			"week_start",
			"reason",
			"liaison",
			"referral_coordinator",
		],
		order_by="week_start desc",
	)
	by_user: dict[str, list] = {}
	for alert in alerts:
		for user in {alert.liaison, alert.referral_coordinator} - {None}:
			by_user.setdefault(user, []).append(alert)
	for user, items in by_user.items():
		if not frappe.db.get_value("User", user, "enabled"):
			continue
		try:
			_send_digest(user, items)
		except Exception:
			frappe.log_error(title=f"Monday digest for {user} not sent", reference_doctype=ALERT)


def _send_digest(user: str, items: list) -> None:
	frappe.sendmail(
		recipients=[user],
		subject=_("Referral sources to call this week: {0}").format(len(items)),
		template="referral_source_digest",
		args={
			"drops": [a for a in items if a.kind in (DROP, GONE_QUIET)],
			"spikes": [a for a in items if a.kind == SPIKE],
			"site_url": frappe.utils.get_url(),
		},
		reference_doctype=ALERT,
		reference_name=items[0].name,
	)
