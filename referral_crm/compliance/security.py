"""The login policy for staff who hold patient data, applied from Referral CRM Settings and kept applied.

Frappe has the pieces (two-factor by role, password score, lockout, per-user IP and hour limits,
idle expiry) but leaves them off or loose by default, lets email-link logins and API keys past
two-factor, keeps accepting a disabled user's API key, and has no absolute session lifetime. The
policy sets Frappe's own settings, copies the per-user limits onto everyone holding a role that
reads patient data (including users given such a role later), and checks the rest on each request.
"""

import json

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from referral_crm.compliance.phi import PHI_DOCTYPES, reads_phi

SETTINGS = "Referral CRM Settings"
AUDIT_LOGS = ("PHI Access Log", "Activity Log", "Access Log", "View Log")


def policy(settings=None) -> "frappe._dict":
	"""The policy as set, from `settings` when given (a save in progress: the cached copy may be older)."""
	settings = settings or frappe.get_cached_doc(SETTINGS)
	return frappe._dict(
		applied=cint(settings.apply_security_policy),
		idle_minutes=cint(settings.session_idle_minutes) or 30,
		lifetime_hours=cint(settings.session_lifetime_hours) or 12,
		password_score=cint(settings.minimum_password_score) or 3,
		lockout_after=cint(settings.failed_logins_before_lockout) or 5,
		lockout_minutes=cint(settings.lockout_minutes) or 15,
		hours_from=cint(settings.office_hours_from),
		hours_to=cint(settings.office_hours_to),
		ip_ranges=",".join(p.strip() for p in (settings.allowed_ip_ranges or "").split(",") if p.strip()),
		retention_days=cint(settings.log_retention_days) or 2190,
	)


def phi_roles() -> list[str]:
	"""Roles that read level 1 (patient data) of a PHI document type."""
	return sorted(
		{
			p.role
			for doctype in PHI_DOCTYPES
			for p in frappe.get_meta(doctype).permissions
			if p.permlevel == 1 and p.read
		}
	)


def phi_users() -> list[str]:
	"""Enabled staff users (not the Administrator) holding a role that reads patient data."""
	holders = frappe.get_all(
		"Has Role",
		filters={"role": ("in", phi_roles()), "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	users = frappe.get_all(
		"User",
		filters={"enabled": 1, "user_type": "System User", "name": ("in", holders or [""])},
		pluck="name",
		order_by="name",
	)
	return [u for u in users if u != "Administrator"]


def system_settings_wanted(p) -> dict:
	return {
		"enable_two_factor_auth": 1,
		"two_factor_method": "OTP App",
		"bypass_2fa_for_retricted_ip_users": 0,
		"bypass_restrict_ip_check_if_2fa_enabled": 0,
		"login_with_email_link": 0,
		"session_expiry": f"{p.idle_minutes // 60:02d}:{p.idle_minutes % 60:02d}",
		"enable_password_policy": 1,
		"minimum_password_score": str(p.password_score),
		"allow_consecutive_login_attempts": p.lockout_after,
		"allow_login_after_fail": p.lockout_minutes * 60,
		"attach_view_link": 0,
		"allow_error_traceback": 0,
	}


def user_limits(p) -> dict:
	return {
		"restrict_ip": p.ip_ranges or None,
		"login_after": p.hours_from or 0,
		"login_before": p.hours_to or 0,
	}


TWO_FACTOR_BEFORE = "referral_crm_two_factor_before_install"
OUR_OTP_ISSUER = "Referral CRM"


def two_factor_before_install() -> dict:
	"""Whether the site had two-factor on, and for every user (role All), before the app turned it on
	for its own roles; kept so that no System Settings save and no uninstall changes other logins."""
	if saved := frappe.db.get_default(TWO_FACTOR_BEFORE):
		return json.loads(saved)
	enabled = cint(frappe.db.get_single_value("System Settings", "enable_two_factor_auth"))
	# A site from before this was kept: two-factor under our issuer name is the app's own doing.
	ours = enabled and frappe.db.get_single_value("System Settings", "otp_issuer_name") == OUR_OTP_ISSUER
	state = {
		"enabled": 0 if ours else enabled,
		"all": 0 if ours else cint(frappe.db.get_value("Role", "All", "two_factor_auth")),
	}
	frappe.db.set_default(TWO_FACTOR_BEFORE, json.dumps(state))
	return state


def keep_two_factor_to_its_roles(doc, method=None) -> None:
	"""System Settings marks role All (every user of the site) for two factors on each save while
	two-factor is on. The app turned two-factor on for its portal and PHI roles only: put role All
	back as the agency had it, unless this very save is a person turning two-factor on for everyone."""
	before = two_factor_before_install()
	previous = doc.get_doc_before_save()
	turned_on_by_a_person = (
		previous is not None
		and not cint(previous.enable_two_factor_auth)
		and cint(doc.enable_two_factor_auth)
		and not doc.flags.referral_crm_policy
	)
	if turned_on_by_a_person:
		before["all"] = 1  # their choice, kept from now on
		frappe.db.set_default(TWO_FACTOR_BEFORE, json.dumps(before))
		return
	if (
		cint(doc.enable_two_factor_auth)
		and cint(frappe.db.get_value("Role", "All", "two_factor_auth")) != before["all"]
	):
		frappe.db.set_value("Role", "All", "two_factor_auth", before["all"])


def restore_two_factor() -> None:
	"""On uninstall: two-factor as it was before the app."""
	before = two_factor_before_install()
	frappe.db.set_single_value("System Settings", "enable_two_factor_auth", before["enabled"])
	frappe.db.set_value("Role", "All", "two_factor_auth", before["all"])
	frappe.defaults.clear_default(TWO_FACTOR_BEFORE)


def can_send_email() -> bool:
	"""Whether Frappe has a default outgoing email account (as it looks for one to email the
	authenticator-app enrolment): an account marked so, or the mail server in the site config.
	Not EmailAccount.find_default_outgoing: on a site with muted email it answers with a stand-in."""
	return bool(
		frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1})
		or frappe.conf.get("mail_server")
	)


NO_EMAIL_FOR_TWO_FACTOR = _(
	"Two-factor login was not turned on for the roles that read patient data: this site has no outgoing "
	"email account, and Frappe emails each user the code to enrol their authenticator app, so they could "
	"not log in. Set up an outgoing Email Account and save these settings again. Everything else in the "
	"policy is applied."
)


def apply_policy(settings=None) -> None:
	"""Set Frappe's settings, the PHI roles' two-factor, every PHI user's limits and the log retention.

	Two-factor goes on for the PHI roles only when the site can email the enrolment; without an
	outgoing email account it is left off (nobody is locked out) and the manager is told.
	"""
	p = policy(settings)
	if not p.applied:
		return
	system = frappe.get_single("System Settings")
	wanted = system_settings_wanted(p)
	if any(str(system.get(k) or 0) != str(v) for k, v in wanted.items()):
		system.update(wanted)
		system.flags.ignore_permissions = True  # the policy a manager turned on, applied by the system
		system.flags.ignore_mandatory = True  # a site whose setup wizard never ran has no language yet
		system.flags.referral_crm_policy = True
		system.save()
	second_factor = can_send_email()
	for role in phi_roles():
		if cint(frappe.db.get_value("Role", role, "two_factor_auth")) != int(second_factor):
			frappe.db.set_value("Role", role, "two_factor_auth", int(second_factor))
	if not second_factor:
		frappe.msgprint(NO_EMAIL_FOR_TWO_FACTOR, title=_("Two-Factor Login Not On"), indicator="orange")
	limits = user_limits(p)
	for user in phi_users():
		current = frappe.db.get_value("User", user, list(limits), as_dict=True)
		if any((current.get(k) or 0) != (v or 0) for k, v in limits.items()):
			frappe.db.set_value("User", user, limits, update_modified=False)
	keep_audit_logs(p.retention_days)


def keep_audit_logs(days: int) -> None:
	"""Log Settings must not purge an audit log before the retention period (Frappe's default is 90 days).

	Each audit log gets its own row: a log without one would be given Frappe's default the next
	time Log Settings is saved.
	"""
	settings = frappe.get_single("Log Settings")
	rows = {row.ref_doctype: row for row in settings.logs_to_clear}
	changed = False
	for doctype in AUDIT_LOGS:
		if doctype not in rows:
			settings.append("logs_to_clear", {"ref_doctype": doctype, "days": days})
			changed = True
		elif cint(rows[doctype].days) < days:
			rows[doctype].days = days
			changed = True
	if changed:
		settings.flags.ignore_permissions = True  # retention is part of the policy, not a user's edit
		settings.save()


def keep_policy_applied() -> None:
	"""Daily: someone may have loosened a setting or added a user straight in the database."""
	apply_policy()


def on_user_validate(doc, method=None) -> None:
	"""A user given a PHI role (now or later) gets the policy's IP and hour limits."""
	p = policy()
	if not p.applied or doc.name == "Administrator" or doc.user_type != "System User":
		return
	if set(phi_roles()) & {r.role for r in doc.roles}:
		doc.update(user_limits(p))


def on_session_creation(login_manager=None) -> None:
	"""Note when the session began, for the absolute lifetime."""
	if getattr(frappe.local, "session_obj", None) and frappe.session.user != "Guest":
		frappe.session.data.started_at = str(now_datetime())
		frappe.local.session_obj.update(force=True)


def on_request() -> None:
	"""An `auth_hooks` entry: runs once Frappe knows who the caller is, by session, key or token."""
	user = frappe.session.user
	if user in ("Guest", "Administrator", None):
		return
	by_key = len(frappe.get_request_header("Authorization", "").split(" ")) == 2
	if by_key and not frappe.db.get_value("User", user, "enabled"):
		frappe.set_user("Guest")
		raise frappe.AuthenticationError(_("This user is disabled; its API key no longer works."))
	path = frappe.request.path if getattr(frappe.local, "request", None) else ""
	if path.startswith("/private/files/"):
		guard_private_file(path, user)
	refuse_bulk_phi_reads(path, user)
	if not by_key:
		end_old_session(user)


def guard_private_file(path: str, user: str) -> None:
	"""Frappe decides file downloads by the attached record's read right alone; PHI files need level 1."""
	attached = frappe.get_all("File", filters={"file_url": path}, pluck="attached_to_doctype")
	if any(doctype in PHI_DOCTYPES and not reads_phi(doctype, user) for doctype in attached):
		raise frappe.PermissionError(_("You may not open patient documents."))


BULK_ROWS = 500
LIST_METHODS = {  # method: the argument that asks for how many rows (0 means all)
	"frappe.client.get_list": "limit_page_length",
	"frappe.desk.reportview.get": "page_length",
	"frappe.desk.reportview.get_list": "page_length",
}


def refuse_bulk_phi_reads(path: str, user: str) -> None:
	"""More than BULK_ROWS patient records in one read is an export, whatever the channel says it is.

	Frappe checks the export right only in the list view's Export; a REST or `get_list` call asking
	for every referral would otherwise take the whole patient list with a read right alone.
	"""
	form = frappe.form_dict
	doctype, asked = None, None
	for prefix in ("/api/resource/", "/api/v1/resource/", "/api/v2/document/"):
		parts = path[len(prefix) :].strip("/").split("/") if path.startswith(prefix) else []
		if len(parts) == 1 and frappe.request.method == "GET":
			doctype, asked = parts[0], form.get("limit_page_length", form.get("limit", 20))
	method = path.rsplit("/", 1)[-1] if "/method/" in path else None
	if method in LIST_METHODS:
		doctype, asked = form.get("doctype"), form.get(LIST_METHODS[method], 20)
	if doctype not in PHI_DOCTYPES:
		return
	rows = cint(asked)
	if (rows == 0 or rows > BULK_ROWS) and not frappe.has_permission(doctype, "export", user=user):
		raise frappe.PermissionError(
			_(
				"Reading more than {0} referrals at once is an export; only a manager may export referrals."
			).format(BULK_ROWS)
		)


def end_old_session(user: str) -> None:
	p = policy()
	if not p.applied or not set(phi_roles()) & set(frappe.get_roles(user)):
		return
	data = frappe.session.data
	started = data.get("started_at")
	if not started:
		on_session_creation()
		return
	if (now_datetime() - get_datetime(started)).total_seconds() > p.lifetime_hours * 3600:
		frappe.local.login_manager.logout()
		raise frappe.SessionExpired(_("Your session has ended; please log in again."))


FORMULA_CHECKED_TYPES = ("Data", "Small Text", "Text")
TEXT_BYTES = {"Small Text": 65_535, "Text": 65_535}  # MariaDB TEXT columns


def validate_text(doc, method=None) -> None:
	"""Text a spreadsheet would run as a formula never enters the CRM, and no text outgrows its column.

	Frappe's own list and report exports write values as they are; refusing formulas at entry keeps
	every export (ours escape as well) safe to open in Excel. Frappe checks the length of short
	fields itself but lets a long note reach the database, which then fails with a server error.
	"""
	from referral_crm.core.compliance.cells import is_formula

	for df in doc.meta.fields:
		value = doc.get(df.fieldname)
		if not isinstance(value, str) or df.fieldtype not in FORMULA_CHECKED_TYPES:
			continue
		if is_formula(value):
			frappe.throw(
				_("{0} starts like a spreadsheet formula ({1}); take out the leading character.").format(
					_(df.label), frappe.bold(frappe.utils.escape_html(value[:40]))
				),
				title=_("Not Saved"),
			)
		limit = TEXT_BYTES.get(df.fieldtype)
		if limit and len(value.encode()) > limit:
			frappe.throw(
				_("{0} is too long: keep it under {1} characters.").format(_(df.label), limit // 4),
				frappe.CharacterLengthExceededError,
				title=_("Not Saved"),
			)
