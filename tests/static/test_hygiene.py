import pytest

from .hygiene import formatted_sql, ignore_permission_uses, whitelist_problems
from .metadata import APP

SOURCES = sorted(
	p
	for p in APP.rglob("*.py")
	if "tests" not in p.parts and not p.name.startswith("test_") and p.name != "testing.py"
)

# Where the app writes past the user's permissions, and why that is safe.
IGNORE_PERMISSIONS_ALLOWED = {
	"referral_sources/duplicates.py": {
		"queue_sweep": "the record of a background comparison; asked for by a user allowed to edit the records"
	},
	"referrals/task_push.py": {
		"queue_task_push": "the status push follows a status change the user was allowed to save"
	},
	"referral_sources/accounts.py": {
		"move_stage": "stage moves follow a visit or referral the user was allowed to save",
		"log_stage_change": "the stage history is written by the system, never by users",
		"hand_off": "a ToDo for the new owner of an account",
		"_move_open_todos": "open work follows a territory change a manager saved",
		"sync_round_robin_rule": "the Assignment Rule a manager's territory setting keeps in step",
	},
	"referral_intelligence/alerts.py": {
		"_create_alert": "the scheduled alert job creates alerts and their ToDos"
	},
	"outreach/queue.py": {
		"start_todays_calls": "a caller's own queue over their own work list",
		"_move_on": "where the user stopped in a queue they may read, not an edit of the queue",
	},
	"referrals/portal.py": {
		"give_portal_access": "a coordinator makes an office contact a website user (not a staff login)",
		"submit_referral": "an office sends a referral it may not read back in the CRM; linkage checked first",
	},
	"referrals/intake.py": {"create_referral": "attachments of a referral the caller just created"},
	"benchmarks/weekly_alerts.py": {
		"_ensure_territories": "benchmark data on a site of its own",
		"_ensure_users": "benchmark data on a site of its own",
		"user": "benchmark data on a site of its own",
	},
	"compliance/audit.py": {"record": "the system writes the PHI access log; no user may write it"},
	"benchmarks/ratios.py": {"intake_client": "benchmark data on a site of its own"},
	"benchmarks/scale.py": {
		"_ensure_manager": "benchmark data on a site of its own",
		"_ensure_members": "benchmark data on a site of its own",
		"api_clients": "benchmark data on a site of its own",
		"statements": "benchmark data on a site of its own",
	},
	"referrals/closing_loop.py": {
		"referral_received": "owner hand-off after a referral the user was allowed to save"
	},
	"todos.py": {"todo": "ToDos the system assigns (overdue notes, partner issues)"},
	"field/hrms.py": {
		"make_expense_claim": "the HRMS claim paying a log a manager approved (submit right checked)",
		"withdraw_claim": "the claim of a log a manager cancelled follows it",
	},
	"referral_intelligence/payroll.py": {
		"make_additional_salary": "payroll's entry for a statement a manager approved (submit right checked)",
		"withdraw_salary": "the entry of a statement a manager cancelled follows it",
	},
	"referrals/healthcare.py": {
		"_find_or_register": "the EMR patient of a referral its reader accepted; patient data goes nowhere else",
		"_set_referring_practitioner": "the referrer on the appointment of a linked referral",
		"_offer_visit_note": "the encounter printed onto its referral as a private file",
	},
	"referral_intelligence/commissions.py": {
		"generate_statements": "the monthly job drafts statements for everyone"
	},
	"outreach/outbox.py": {
		"record_attempt": "the delivery job records each attempt of a send the user queued",
		"log_delivery": "the Communication and Visit a delivered send leaves, written by the delivery job",
		"stop_note_clock": "the delivery job records when the faxed visit note went",
	},
	"outreach/reminders.py": {
		"remind_birthdays": "the daily job puts a card reminder on each liaison's list",
		"remind_card_occasions": "the daily job puts a card reminder on each liaison's list",
	},
	"compliance/security.py": {
		"apply_policy": "the login policy a manager turned on, written to Frappe's System Settings",
		"keep_audit_logs": "audit-log retention set by the same policy",
	},
	"outreach/worklists.py": {"build_for_user": "the morning job writes each person's own work list"},
	"field/mileage.py": {"build_mileage_log": "the morning job writes each liaison's own mileage log"},
	"referral_sources/taxonomies.py": {
		"specialty_for_taxonomy": "a Specialty named from NUCC's words the first time a saved provider needs it"
	},
	"demo.py": {"users": "the demo command, run by a site administrator"},
	"install.py": {
		"_insert_if_missing": "install seeds",
		"before_uninstall": "uninstall clean-up",
		"create_roles": "install seeds",
		"seed_cadences": "install seeds",
		"sync_start_my_day_block": "the shipped Start My Day block, written on install and migrate",
		"remove_workflow": "uninstall clean-up",
	},
	"referrals/doctype/appointment_import/appointment_import.py": {
		"pcp_task": "the liaison's ToDo to send a targeted PCP the visit note, from an import the user ran",
	},
	"referral_sources/doctype/nppes_import/nppes_import.py": {
		"territory_zips": "the ZIP codes a manager's import filter names, not records shown to anyone"
	},
	"referrals/doctype/partner_issue/partner_issue.py": {
		"sync_todo": "the owner's ToDo for an issue the user saved"
	},
	"referral_sources/doctype/referral_territory/referral_territory.py": {
		"sync_member_permissions": "User Permissions follow membership a manager saved",
		"on_trash": "the territory's own round-robin rule goes with the territory a manager deleted",
	},
	"field/my_day.py": {"build_my_day": "the morning job plans each liaison's own day from their own work"},
	"outreach/doctype/visit/visit.py": {
		"sync_follow_up_todo": "the follow-up ToDo of a visit the user saved"
	},
	"outreach/telephony.py": {
		"recording_received": "a recording of a call the user placed, from the provider's signed callback",
		"store_recording": "the recording's private file, fetched by the background job",
		"delete_expired_recordings": "the nightly retention job deletes recordings past the agency's period",
	},
	"outreach/telephony_webhooks.py": {
		"incoming": "the record of a call to the agency, from the provider's signed webhook",
	},
}
# The voice provider's webhooks: guests, each refusing any request not signed by the provider.
GUEST_ALLOWED: set[str] = {"answer", "status", "dialed", "notice", "incoming", "recording"}
# Stand-ins for Frappe's own methods (override_whitelisted_methods) that only choose the server to read
# from and call Frappe's method, which checks the permissions itself: a check of ours in front would
# change who may read a card or chart.
CHECKED_BY_FRAPPE: dict[str, dict[str, str]] = {
	"replica.py": {
		"get_number_card_result": "Frappe's number_card.get_result counts through frappe.get_list",
		"get_number_card_percentage_difference": "Frappe's reader counts through number_card.get_result",
		"get_dashboard_chart": "Frappe's dashboard_chart.get reads a Count or Group By chart with get_list",
	},
}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(APP)))
def test_hygiene(path):
	source = path.read_text()
	relative = str(path.relative_to(APP))
	assert not formatted_sql(source), f"SQL built by string formatting at lines {formatted_sql(source)}"
	checked_by_frappe = {f"{name}: checks no permission" for name in CHECKED_BY_FRAPPE.get(relative, {})}
	assert not set(whitelist_problems(source, GUEST_ALLOWED)) - checked_by_frappe
	unexplained = ignore_permission_uses(source) - set(IGNORE_PERMISSIONS_ALLOWED.get(relative, {}))
	assert not unexplained, f"ignore_permissions without a reason in the allow-list: {unexplained}"


def test_planted_formatted_sql_is_caught():
	assert formatted_sql('frappe.db.sql(f"select * from tabReferral where name = {name}")') == [1]
	assert formatted_sql('frappe.db.sql("select %s" % name)') == [1]
	assert formatted_sql('frappe.db.sql("select {0}".format(name))') == [1]
	assert formatted_sql('frappe.db.sql("select %(n)s", {"n": name})') == []


def test_planted_whitelist_violations_are_caught():
	bad = """
@frappe.whitelist(allow_guest=True)
def leak(name):
	return frappe.get_all("Referral")
"""
	problems = whitelist_problems(bad)
	assert any("guest" in p for p in problems)
	assert any("POST" in p for p in problems)
	assert any("permission" in p for p in problems)
	good = """
@frappe.whitelist(methods=["POST"])
def log(name):
	frappe.has_permission("Practice", "read", name, throw=True)
"""
	assert whitelist_problems(good) == []


def test_planted_ignore_permissions_is_caught():
	assert ignore_permission_uses("def f(doc):\n\tdoc.save(ignore_permissions=True)\n") == {"f"}
	assert ignore_permission_uses("def g(doc):\n\tdoc.flags.ignore_permissions = True\n") == {"g"}
	assert ignore_permission_uses("def h(doc):\n\tdoc.save()\n") == set()
