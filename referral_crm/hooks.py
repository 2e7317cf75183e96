from referral_crm.core.referrals.referral import STATUSES, WORKFLOW, WORKFLOW_ACTIONS

app_name = "referral_crm"
app_title = "Referral CRM"
app_publisher = "referral_crm contributors"
app_description = "Win, keep and measure physician referrals for home health, hospice, home infusion and specialty practices"
app_email = "dev@referral-crm.example"
app_license = "mit"

# Frappe is implicit: naming it in required_apps makes install-app look it up online.

export_python_type_annotations = True

app_include_js = [
	"/assets/referral_crm/js/referral_crm.js",
	"/assets/referral_crm/js/telephony.js",  # click-to-call and the inbound pop-up
]
doctype_js = {"Contact": "public/js/contact.js"}

extend_bootinfo = [
	"referral_crm.boot.extend_bootinfo",
	"referral_crm.outreach.telephony.extend_bootinfo",
]

# Installation
# ------------

before_install = "referral_crm.install.before_install"
after_install = "referral_crm.install.after_install"
after_migrate = "referral_crm.install.after_migrate"
before_uninstall = "referral_crm.install.before_uninstall"
after_uninstall = "referral_crm.install.after_uninstall"
# HRMS or Healthcare installed or removed beside the app: their bridge fields follow (install.py).
after_app_install = "referral_crm.install.after_app_install"
after_app_uninstall = "referral_crm.install.after_app_uninstall"

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
	doctype: "referral_crm.referral_sources.permissions.get_permission_query_conditions"
	for doctype in _TERRITORY_SCOPED
}

has_permission = {
	doctype: "referral_crm.referral_sources.permissions.has_permission" for doctype in _TERRITORY_SCOPED
}

for _doctype in ("Referral Source Week", "Referral Source Alert", "Partner Issue", "Visit Day"):
	permission_query_conditions[_doctype] = (
		"referral_crm.referral_sources.permissions.get_permission_query_conditions"
	)
	has_permission[_doctype] = "referral_crm.referral_sources.permissions.has_permission"

has_permission["File"] = "referral_crm.compliance.phi.file_has_permission"

permission_query_conditions["Commission Statement"] = (
	"referral_crm.referral_intelligence.permissions.get_permission_query_conditions"
)
has_permission["Commission Statement"] = "referral_crm.referral_intelligence.permissions.has_permission"

# Other apps' DocTypes
# --------------------

jinja = {
	"methods": [
		"referral_crm.referrals.collateral.agency",
		"referral_crm.referrals.collateral.patient_status_rows",
	]
}

after_request = ["referral_crm.compliance.audit.after_request"]

# The FHIR R4 endpoint (/fhir/r4) and HL7 v2 over HTTP (/hl7/v2): paths EHRs expect, not /api/method.
page_renderer = ["referral_crm.referrals.fhir.FHIRServer"]
auth_hooks = ["referral_crm.compliance.security.on_request"]

# No answer that depends on a value the asker may not read (permissions/queries.py): the check goes
# into Frappe's list queries before any request or job, and the methods that skip them are replaced.
# A request to Frappe's replica readers stays on the primary while the read replica is down or behind.
before_request = ["referral_crm.compliance.queries.install", "referral_crm.replica.before_request"]
before_job = ["referral_crm.compliance.queries.install"]
override_whitelisted_methods = {
	"frappe.client.get_count": "referral_crm.compliance.guarded.get_count",
	"frappe.client.get": "referral_crm.compliance.guarded.get",
	"frappe.desk.listview.get_group_by_count": "referral_crm.compliance.guarded.get_group_by_count",
	# The app's workspace cards and charts read on the read replica (docs/replica.md); others' as before.
	"frappe.desk.doctype.number_card.number_card.get_result": "referral_crm.replica.get_number_card_result",
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": (
		"referral_crm.replica.get_number_card_percentage_difference"
	),
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "referral_crm.replica.get_dashboard_chart",
}
# The only methods open to guests: the telephony provider's webhooks, each refusing a request whose
# signature is not the provider's (the HIPAA Readiness report counts them apart).
signed_webhooks = [
	f"referral_crm.outreach.telephony_webhooks.{name}"
	for name in ("answer", "status", "dialed", "notice", "incoming", "recording")
]
on_session_creation = ["referral_crm.compliance.security.on_session_creation"]

doc_events = {
	"Version": {"before_insert": "referral_crm.compliance.phi.scrub_version"},
	"User": {
		"validate": [
			"referral_crm.compliance.security.on_user_validate",
			"referral_crm.roles.set_default_workspace",
		]
	},
	"System Settings": {"on_update": "referral_crm.compliance.security.keep_two_factor_to_its_roles"},
	"File": {"validate": "referral_crm.compliance.phi.keep_phi_files_private"},
	# With HRMS and Healthcare installed (harmless where they are not: nothing saves these DocTypes).
	"Expense Claim": {"on_cancel": "referral_crm.field.hrms.on_expense_claim_cancel"},
	"Patient Appointment": {"on_update": "referral_crm.referrals.healthcare.on_appointment_update"},
	"Patient Encounter": {
		"on_update": "referral_crm.referrals.healthcare.on_encounter_update",
		"on_submit": "referral_crm.referrals.healthcare.on_encounter_update",
	},
	**{
		doctype: {"validate": "referral_crm.compliance.security.validate_text"}
		for doctype in ("Practice", "Provider", "Referral", "Visit", "Partner Issue", "Referral Territory")
	},
}
for _doctype in ("Practice", "Provider"):  # the index the Duplicate Records report reads
	doc_events[_doctype]["on_update"] = ["referral_crm.referral_sources.duplicates.keep_index"]
	doc_events[_doctype]["on_trash"] = "referral_crm.referral_sources.duplicates.forget_index"
# Each person's touches per day, which Liaison Activity reads
doc_events["Practice"]["on_update"].append("referral_crm.outreach.visit_days.on_practice_update")
doc_events["Visit"]["on_update"] = "referral_crm.outreach.visit_days.on_visit_change"
doc_events["Visit"]["after_delete"] = "referral_crm.outreach.visit_days.on_visit_change"

# Scheduled jobs
# --------------

scheduler_events = {
	# The alert job runs on the first day of each referral week (a setting), just after midnight.
	"hourly": [
		"referral_crm.referrals.closing_loop.report_overdue_visit_notes",
		"referral_crm.outreach.telephony.retry_pending_recordings",
	],
	"daily": [
		"referral_crm.outreach.telephony.delete_expired_recordings",
		"referral_crm.referrals.closing_loop.escalate_overdue_partner_issues",
		"referral_crm.outreach.reminders.send_follow_up_reminders",
		"referral_crm.outreach.reminders.remind_birthdays",
		"referral_crm.outreach.reminders.remind_card_occasions",
		"referral_crm.compliance.security.keep_policy_applied",
	],
	"daily_long": [
		"referral_crm.field.mileage.build_yesterdays_mileage",
		"referral_crm.outreach.worklists.build_daily_work_lists",
		"referral_crm.field.my_day.build_my_days",  # after the work lists it starts from
		"referral_crm.referral_intelligence.alerts.run_weekly_job_if_due",
		"referral_crm.referral_sources.accounts.mark_dormant_accounts",
		"referral_crm.referral_sources.duplicates.reindex_yesterdays_changes",
		"referral_crm.outreach.visit_days.recount_nightly",
	],
	"weekly_long": ["referral_crm.referral_sources.duplicates.sweep_weekly"],
	"monthly_long": ["referral_crm.referral_intelligence.commissions.generate_statements"],
	"cron": {
		"0 7 * * 1": ["referral_crm.referral_intelligence.alerts.send_monday_digest"],
		"*/5 * * * *": ["referral_crm.outreach.outbox.retry_due_sends"],
	},
}
