# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

"""The site's HIPAA technical safeguards, each met or not, with how to meet it (45 CFR 164.312)."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, nowdate

from referral_crm.compliance.phi import PHI_DOCTYPES
from referral_crm.compliance.security import (
	AUDIT_LOGS,
	can_send_email,
	phi_roles,
	phi_users,
	policy,
	system_settings_wanted,
	user_limits,
)
from referral_crm.replica import reads_from_replica

SETTINGS_FIX = _("Referral CRM Settings > Security: tick Apply the Security Policy and save.")
STALE_DAYS = 90
MAX_SYSTEM_MANAGERS = 3


@reads_from_replica
def execute(filters=None):
	if not frappe.has_permission("Referral CRM Settings", "read"):
		frappe.throw(_("Only a manager may read the site's safeguards."), frappe.PermissionError)
	rows = [dict(zip(("safeguard", "met", "detail", "fix"), check, strict=True)) for check in checks()]
	for row in rows:
		row["status"] = _("Met") if row.pop("met") else _("Not Met")
	return columns(), rows


def columns():
	return [
		{"fieldname": "safeguard", "label": _("Safeguard"), "fieldtype": "Data", "width": 280},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{"fieldname": "detail", "label": _("Found"), "fieldtype": "Data", "width": 320},
		{"fieldname": "fix", "label": _("How to Meet It"), "fieldtype": "Data", "width": 420},
	]


def checks():
	"""(safeguard, met, what was found, how to fix) for each safeguard."""
	p = policy()
	system = frappe.get_single("System Settings")
	wanted = system_settings_wanted(p)

	def system_is(*fields):
		return all(str(system.get(f) or 0) == str(wanted[f]) for f in fields)

	roles = phi_roles()
	roles_without_2fa = [r for r in roles if not frappe.db.get_value("Role", r, "two_factor_auth")]
	email = can_send_email()
	yield (
		_("An outgoing email account (two-factor enrolment, notices and visit notes go by email)"),
		email,
		_("found") if email else _("none: two-factor login cannot be turned on without locking users out"),
		_(
			"Set up an outgoing Email Account (Email Account > Enable Outgoing, Default Outgoing), then save Referral CRM Settings."
		),
	)
	everyone = cint(frappe.db.get_value("Role", "All", "two_factor_auth"))
	yield (
		_("Two-factor login for everyone holding patient data"),
		system.enable_two_factor_auth and system.two_factor_method == "OTP App" and not roles_without_2fa,
		_("Roles without two-factor: {0}").format(", ".join(roles_without_2fa) or _("none"))
		+ (_("; the site asks it of every user (role All)") if everyone else "")
		if system.enable_two_factor_auth
		else _("Two-factor login is off for the site"),
		SETTINGS_FIX
		if email
		else _("First set up an outgoing email account (above); then: {0}").format(SETTINGS_FIX),
	)
	users = phi_users()
	not_enrolled = [u for u in users if not frappe.db.get_default(f"{u}_otpsecret")]
	yield (
		_("Users with patient data have set up their authenticator app"),
		not not_enrolled,
		_("{0} of {1} not yet enrolled").format(len(not_enrolled), len(users)),
		_("Each listed user logs in once and scans the QR code; until then the first login enrols them."),
	)
	yield (
		_("Login by email link off (it skips two-factor)"),
		system_is("login_with_email_link"),
		_("on") if system.login_with_email_link else _("off"),
		SETTINGS_FIX,
	)
	yield (
		_("Automatic logoff after {0} idle minutes").format(p.idle_minutes),
		system_is("session_expiry"),
		_("Session expiry {0}").format(system.session_expiry or _("not set")),
		SETTINGS_FIX,
	)
	yield (
		_("Sessions end {0} hours after login").format(p.lifetime_hours),
		bool(p.applied),
		_("enforced") if p.applied else _("not enforced"),
		SETTINGS_FIX,
	)
	yield (
		_("Password strength and lockout after failed logins"),
		system_is("enable_password_policy", "minimum_password_score", "allow_consecutive_login_attempts"),
		_("policy {0}, score {1}, lockout after {2}").format(
			_("on") if system.enable_password_policy else _("off"),
			system.minimum_password_score or "-",
			system.allow_consecutive_login_attempts or "-",
		),
		SETTINGS_FIX,
	)
	yield (
		_("No unauthenticated document links in outgoing email"),
		system_is("attach_view_link"),
		_("view links attached") if system.attach_view_link else _("no view links"),
		SETTINGS_FIX,
	)
	yield (
		_("Error tracebacks hidden from users"),
		system_is("allow_error_traceback"),
		_("shown") if system.allow_error_traceback else _("hidden"),
		SETTINGS_FIX,
	)
	limits = user_limits(p)
	out_of_step = [
		u
		for u in users
		if any((frappe.db.get_value("User", u, k) or 0) != (v or 0) for k, v in limits.items())
	]
	yield (
		_("Office hours and allowed addresses on every user with patient data"),
		bool(p.applied) and not out_of_step,
		_("{0} users out of step").format(len(out_of_step)),
		SETTINGS_FIX,
	)
	retention = {row.ref_doctype: cint(row.days) for row in frappe.get_single("Log Settings").logs_to_clear}
	short = [
		f"{d} ({retention[d]} days)" for d in AUDIT_LOGS if d in retention and retention[d] < p.retention_days
	]
	yield (
		_("Audit logs kept {0} days").format(p.retention_days),
		not short and "PHI Access Log" in retention,
		_("Purged early: {0}").format(", ".join(short)) if short else _("kept"),
		SETTINGS_FIX,
	)
	yield (
		_("Encryption key set for stored secrets"),
		bool(frappe.conf.get("encryption_key")),
		_("set") if frappe.conf.get("encryption_key") else _("missing"),
		_("bench --site SITE set-config encryption_key (generated by Fernet); keep a copy off the server."),
	)
	yield (
		_("Backups encrypted"),
		bool(frappe.conf.get("backup_encryption_key")),
		_("set") if frappe.conf.get("backup_encryption_key") else _("backups are plain"),
		_("bench --site SITE set-config backup_encryption_key KEY, then back up with --encrypt."),
	)
	host = frappe.conf.get("host_name") or ""
	yield (
		_("Served over HTTPS"),
		host.startswith("https://"),
		host or _("host_name not set"),
		_("Put the site behind TLS (bench setup lets-encrypt) and set host_name to its https:// address."),
	)
	plain = frappe.get_all(
		"Email Account",
		filters={"enable_outgoing": 1, "use_tls": 0, "use_ssl_for_outgoing": 0},
		pluck="name",
	)
	yield (
		_("Email accounts send over TLS"),
		not plain,
		_("Without TLS: {0}").format(", ".join(plain)) if plain else _("all encrypted"),
		_("Tick Use TLS (or SSL) on each listed Email Account."),
	)
	managers = [
		u
		for u in frappe.get_all(
			"Has Role",
			filters={"role": "System Manager", "parenttype": "User"},
			pluck="parent",
			distinct=True,
		)
		if u != "Administrator" and frappe.db.get_value("User", u, "enabled")
	]
	yield (
		_("Few System Managers (at most {0})").format(MAX_SYSTEM_MANAGERS),
		len(managers) <= MAX_SYSTEM_MANAGERS,
		_("{0} enabled System Managers").format(len(managers)),
		_("Take the System Manager role from anyone who does not run the site."),
	)
	signed = set(frappe.get_hooks("signed_webhooks", app_name="referral_crm"))
	guest = sorted(
		f"{fn.__module__}.{fn.__name__}"
		for fn in frappe.guest_methods
		if getattr(fn, "__module__", "").startswith("referral_crm")
	)
	open_to_guests = [name for name in guest if name not in signed]
	yield (
		_("No method of this app open to guests"),
		not open_to_guests,
		", ".join(open_to_guests)
		or _("none ({0} webhooks that refuse requests not signed by the telephony provider)").format(
			len(set(guest) & signed)
		),
		_("Remove allow_guest from the listed methods."),
	)
	cutoff = add_days(getdate(nowdate()), -STALE_DAYS)
	stale = [
		u
		for u in users
		if not (last := frappe.db.get_value("User", u, "last_login")) or getdate(last) < cutoff
	]
	yield (
		_("No stale accounts with patient data (no login for {0} days)").format(STALE_DAYS),
		not stale,
		_("{0} stale: {1}").format(len(stale), ", ".join(stale[:10])) if stale else _("none"),
		_("Disable the listed users or take their roles away."),
	)
	scripts = cint(frappe.conf.get("server_script_enabled"))
	yield (
		_("Server scripts disabled"),
		not scripts,
		_("enabled") if scripts else _("disabled"),
		_("bench --site SITE set-config server_script_enabled false"),
	)
	public = frappe.db.count("File", {"attached_to_doctype": ("in", PHI_DOCTYPES), "is_private": 0})
	yield (
		_("Every patient document is private"),
		not public,
		_("{0} public files on referrals").format(public),
		_("Open each file from the referral and tick Is Private."),
	)
	named_by_series = all(
		(frappe.get_meta(d).autoname or "").split(":")[0] not in ("field", "format", "prompt")
		for d in PHI_DOCTYPES
	)
	yield (
		_("Referral names carry no patient data"),
		named_by_series,
		frappe.get_meta("Referral").autoname,
		_("Name referrals by a naming series."),
	)
