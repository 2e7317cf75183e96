from referral_crm.core.referrals.referral import STATUSES, WORKFLOW, WORKFLOW_ACTIONS

app_name = "referral_crm"
app_title = "Referral CRM"
app_publisher = "referral_crm contributors"
app_description = "Win, keep and measure physician referrals for home health, hospice, home infusion and specialty practices"
app_email = "dev@referral-crm.example"
app_license = "mit"

# Frappe is implicit: naming it in required_apps makes install-app look it up online.

export_python_type_annotations = True

app_include_js = "/assets/referral_crm/js/referral_crm.js"
doctype_js = {"Contact": "public/js/contact.js"}

extend_bootinfo = "referral_crm.boot.extend_bootinfo"

# Installation
# ------------

before_install = "referral_crm.install.before_install"
after_install = "referral_crm.install.after_install"
after_migrate = "referral_crm.install.after_migrate"
before_uninstall = "referral_crm.install.before_uninstall"
after_uninstall = "referral_crm.install.after_uninstall"

# Fixtures: only our own records ("Review" is one of Frappe's own workflow actions).

fixtures = [
	{"dt": "Workflow State", "filters": [["name", "in", list(STATUSES)]]},
	{"dt": "Workflow Action Master", "filters": [["name", "in", list(WORKFLOW_ACTIONS)]]},
	{"dt": "Workflow", "filters": [["name", "=", WORKFLOW]]},
]

# Permissions
# -----------
# Row visibility by territory, in one place.

_TERRITORY_SCOPED = ("Practice", "Provider", "Visit", "Referral", "Outbound Document")

permission_query_conditions = {
	doctype: "referral_crm.permissions.territory.get_permission_query_conditions"
	for doctype in _TERRITORY_SCOPED
}

has_permission = {
	doctype: "referral_crm.permissions.territory.has_permission" for doctype in _TERRITORY_SCOPED
}

for _doctype in ("Referral Source Week", "Referral Source Alert", "Partner Issue"):
	permission_query_conditions[_doctype] = (
		"referral_crm.permissions.territory.get_permission_query_conditions"
	)
	has_permission[_doctype] = "referral_crm.permissions.territory.has_permission"

has_permission["File"] = "referral_crm.permissions.phi.file_has_permission"

permission_query_conditions["Commission Statement"] = (
	"referral_crm.permissions.commission.get_permission_query_conditions"
)
has_permission["Commission Statement"] = "referral_crm.permissions.commission.has_permission"

# Other apps' DocTypes
# --------------------

jinja = {"methods": ["referral_crm.collateral.agency", "referral_crm.collateral.patient_status_rows"]}

after_request = ["referral_crm.audit.after_request"]
auth_hooks = ["referral_crm.security.on_request"]

# No answer that depends on a value the asker may not read (permissions/queries.py): the check goes
# into Frappe's list queries before any request or job, and the methods that skip them are replaced.
before_request = ["referral_crm.permissions.queries.install"]
before_job = ["referral_crm.permissions.queries.install"]
override_whitelisted_methods = {
	"frappe.client.get_count": "referral_crm.api.guarded.get_count",
	"frappe.client.get": "referral_crm.api.guarded.get",
	"frappe.desk.listview.get_group_by_count": "referral_crm.api.guarded.get_group_by_count",
}
on_session_creation = ["referral_crm.security.on_session_creation"]

doc_events = {
	"Version": {"before_insert": "referral_crm.permissions.phi.scrub_version"},
	"User": {
		"validate": [
			"referral_crm.security.on_user_validate",
			"referral_crm.permissions.roles.set_default_workspace",
		]
	},
	"System Settings": {"on_update": "referral_crm.security.keep_two_factor_to_its_roles"},
	"File": {"validate": "referral_crm.permissions.phi.keep_phi_files_private"},
	**{
		doctype: {"validate": "referral_crm.security.validate_text"}
		for doctype in ("Practice", "Provider", "Referral", "Visit", "Partner Issue", "Referral Territory")
	},
}

# Scheduled jobs
# --------------

scheduler_events = {
	# The alert job runs on the first day of each referral week (a setting), just after midnight.
	"hourly": ["referral_crm.closing_loop.report_overdue_visit_notes"],
	"daily": [
		"referral_crm.closing_loop.escalate_overdue_partner_issues",
		"referral_crm.reminders.send_follow_up_reminders",
		"referral_crm.reminders.remind_birthdays",
		"referral_crm.reminders.remind_card_occasions",
		"referral_crm.security.keep_policy_applied",
	],
	"daily_long": [
		"referral_crm.mileage.build_yesterdays_mileage",
		"referral_crm.worklists.build_daily_work_lists",
		"referral_crm.alerts.run_weekly_job_if_due",
		"referral_crm.accounts.mark_dormant_accounts",
	],
	"monthly_long": ["referral_crm.commissions.generate_statements"],
	"cron": {
		"0 7 * * 1": ["referral_crm.alerts.send_monday_digest"],
		"*/5 * * * *": ["referral_crm.outbox.retry_due_sends"],
	},
}
