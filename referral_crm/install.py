"""Seeding on install and migrate, and a clean uninstall. Every step is safe to run twice."""

from dataclasses import asdict

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.permissions import add_permission, update_permission_property

from referral_crm.compliance.security import OUR_OTP_ISSUER, restore_two_factor, two_factor_before_install
from referral_crm.core.outreach.cadence import DEFAULT_CADENCES
from referral_crm.core.referrals.referral import STATUSES, WORKFLOW, WORKFLOW_ACTIONS
from referral_crm.referral_sources.taxonomies import seed_code_set

ROLES = (
	"Physician Liaison",
	"Referral Coordinator",
	"Intake Coordinator",
	"Appointment Setter",
	"Referral Marketing Manager",
	"Referral Analyst",
)

# Staff of referring offices on the portal: no desk, and a second factor (an authenticator app) at login.
PORTAL_ROLE = "Referring Office"

# Frappe's Contact and Address, used for practice staff and locations: what each of our roles may do.
LINKED_DOCTYPE_RIGHTS = {
	"Physician Liaison": ("read", "write", "create"),
	"Referral Coordinator": ("read", "write", "create"),
	"Intake Coordinator": ("read", "write", "create"),
	"Appointment Setter": ("read", "write", "create"),
	"Referral Marketing Manager": ("read", "write", "create", "delete", "export", "report"),
	"Referral Analyst": ("read", "report"),
}
LINKED_DOCTYPES = ("Contact", "Address")

CUSTOM_FIELDS = {
	"Contact": [
		{
			"fieldname": "office_roles",
			"label": "Office Roles",
			"fieldtype": "Table MultiSelect",
			"options": "Contact Office Role",
			"insert_after": "designation",
			"description": "What this person does at the referring office",
		},
	],
	"File": [
		{
			"fieldname": "shared_with_referring_office",
			"label": "Shared with the Referring Office",
			"fieldtype": "Check",
			"insert_after": "is_private",
			"description": "The referring office may download this document of its referral in the portal (a visit note, a status sheet); other files on a referral stay with the agency",
		},
	],
	"User Group": [
		{
			"fieldname": "referral_team_kind",
			"label": "Referral Team Kind",
			"fieldtype": "Select",
			"options": "\nAppointment Setting\nField Liaisons\nReferral Coordinators\nIntake",
			"insert_after": "user_group_members",
			"description": "What this team does in referral marketing; territories list the teams that work them",
		},
	],
}

OFFICE_ROLES = (
	"Office Manager",
	"Practice Administrator",
	"Referral Coordinator",
	"Front Desk",
	"Scheduler",
	"Nurse",
	"Medical Assistant",
	"Physician",
	"Billing",
	"Discharge Planner",
	"Case Manager",
)

SERVICE_LINES = ("Home Health", "Hospice", "Home Infusion", "Palliative Care", "Private Duty")

# NUCC Health Care Provider Taxonomy codes of the specialties that refer most to post-acute care.
SPECIALTIES = (
	("Family Medicine", "207Q00000X", 1),
	("Internal Medicine", "207R00000X", 1),
	("Geriatric Medicine", "207RG0300X", 1),
	("Pediatrics", "208000000X", 1),
	("Nurse Practitioner, Family", "363LF0000X", 1),
	("Physician Assistant", "363A00000X", 0),
	("Hospitalist", "208M00000X", 0),
	("Cardiovascular Disease", "207RC0000X", 0),
	("Infectious Disease", "207RI0200X", 0),
	("Pulmonary Disease", "207RP1001X", 0),
	("Nephrology", "207RN0300X", 0),
	("Endocrinology, Diabetes & Metabolism", "207RE0101X", 0),
	("Gastroenterology", "207RG0100X", 0),
	("Hematology & Oncology", "207RH0003X", 0),
	("Neurology", "2084N0400X", 0),
	("Orthopaedic Surgery", "207X00000X", 0),
	("Physical Medicine & Rehabilitation", "208100000X", 0),
	("General Surgery", "208600000X", 0),
	("Urology", "208800000X", 0),
)


def before_install():
	create_roles()


def after_install():
	after_migrate()
	seed_masters()


def after_migrate():
	# One referral per sending system and its id, even when the same id arrives twice at once.
	frappe.db.add_unique("Referral", ["source_system", "external_id"], constraint_name="source_external_id")
	create_roles()
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)
	grant_linked_doctype_rights()
	set_settings_defaults()
	seed_cadences()
	seed_code_set()  # the shipped codes, kept current on every upgrade; codes people loaded stay
	sync_bridge_fields()
	sync_start_my_day_block()


START_MY_DAY = "Start My Day"


def sync_start_my_day_block():
	"""The workspaces' "Start My Day" block: a Custom HTML Block record (Frappe keeps no such files in a
	module), written from the files shipped in referral_intelligence/start_my_day on every migrate."""
	folder = frappe.get_app_path("referral_crm", "referral_intelligence", "start_my_day")
	parts = {}
	for field, file in (("html", "block.html"), ("script", "block.js"), ("style", "block.css")):
		with open(f"{folder}/{file}") as f:
			parts[field] = f.read()
	if frappe.db.exists("Custom HTML Block", START_MY_DAY):
		block = frappe.get_doc("Custom HTML Block", START_MY_DAY)
		block.update(parts)
	else:
		block = frappe.get_doc({"doctype": "Custom HTML Block", "__newname": START_MY_DAY, **parts})
	block.private = 0
	block.flags.ignore_permissions = True
	block.save() if not block.is_new() else block.insert()


def set_settings_defaults():
	"""A single DocType keeps no value until saved: store each setting's default once, keep what people set."""
	doctype = "Referral CRM Settings"
	stored = frappe.db.get_singles_dict(doctype)
	for df in frappe.get_meta(doctype).fields:
		if df.default is not None and df.fieldname not in stored:
			frappe.db.set_single_value(doctype, df.fieldname, df.default)


def require_second_factor():
	"""Portal users log in with a code from an authenticator app. Frappe asks for it only of roles marked
	for two factors (ours: Referring Office, and the PHI roles under the security policy); role All is
	kept as the site had it before install (security.keep_two_factor_to_its_roles), so every other
	login stays as it was."""
	two_factor_before_install()
	if not frappe.db.get_single_value("System Settings", "enable_two_factor_auth"):
		frappe.db.set_single_value(
			"System Settings",
			{"enable_two_factor_auth": 1, "two_factor_method": "OTP App", "otp_issuer_name": OUR_OTP_ISSUER},
		)


def seed_cadences():
	"""The default touches a month per account stage, once; an agency's own table is kept."""
	settings = frappe.get_single("Referral CRM Settings")
	if settings.outreach_cadences:
		return
	for stage, cadence in DEFAULT_CADENCES.items():
		settings.append("outreach_cadences", {"account_stage": stage, **asdict(cadence)})
	settings.flags.ignore_permissions = True
	settings.flags.ignore_validate = True
	settings.save()


def create_roles():
	if not frappe.db.exists("Role", PORTAL_ROLE):
		frappe.get_doc(
			{"doctype": "Role", "role_name": PORTAL_ROLE, "desk_access": 0, "two_factor_auth": 1}
		).insert(ignore_permissions=True)
	require_second_factor()
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def grant_linked_doctype_rights():
	for doctype in LINKED_DOCTYPES:
		for role, rights in LINKED_DOCTYPE_RIGHTS.items():
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0)
			for right in rights:
				update_permission_property(doctype, role, 0, right, 1, validate=False)


def seed_masters():
	for name in OFFICE_ROLES:
		_insert_if_missing("Office Role", name, {"office_role_name": name})
	for name in SERVICE_LINES:
		_insert_if_missing("Service Line", name, {"service_line_name": name})
	for name, code, primary_care in SPECIALTIES:
		_insert_if_missing(
			"Specialty",
			name,
			{"specialty_name": name, "taxonomy_code": code, "is_primary_care": primary_care},
		)
	_insert_if_missing("Insurance Payer", "Medicare", {"payer_name": "Medicare", "payer_type": "Medicare"})


def _insert_if_missing(doctype: str, name: str, values: dict):
	if not frappe.db.exists(doctype, name):
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)


def before_uninstall():
	"""Take away what the app put into Frappe's own records, so nothing points at dropped tables."""
	remove_bridge_fields(all_bridges())
	frappe.delete_doc(
		"Custom HTML Block", START_MY_DAY, force=True, ignore_permissions=True, ignore_missing=True
	)
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
		frappe.clear_cache(doctype=doctype)

	frappe.db.delete("Custom DocPerm", {"role": ("in", ROLES)})
	for doctype in LINKED_DOCTYPES:
		drop_unchanged_perm_copies(doctype)
		frappe.clear_cache(doctype=doctype)

	ours = frappe.get_all(
		"DocType", filters={"module": ("in", frappe.get_module_list("referral_crm"))}, pluck="name"
	)
	frappe.db.delete("User Permission", {"allow": ("in", ours)})
	frappe.db.delete("Dynamic Link", {"link_doctype": ("in", ours)})
	frappe.db.delete("ToDo", {"reference_type": ("in", ours)})
	frappe.db.delete("Notification Log", {"document_type": ("in", ours)})
	for name in frappe.get_all("File", filters={"attached_to_doctype": ("in", ours)}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)  # removes the file from disk too
	for doctype, field in (  # after the files: removing one comments on its document
		("Version", "ref_doctype"),
		("Comment", "reference_doctype"),
		("Communication", "reference_doctype"),
		("View Log", "reference_doctype"),
		("Access Log", "export_from"),
	):
		frappe.db.delete(doctype, {field: ("in", ours)})
	frappe.db.delete("Communication Link", {"link_doctype": ("in", ours)})
	frappe.db.delete("Logs To Clear", {"ref_doctype": ("in", ours)})  # the PHI Access Log's retention
	for rule in frappe.get_all("Assignment Rule", filters={"document_type": ("in", ours)}, pluck="name"):
		frappe.delete_doc("Assignment Rule", rule, force=True, ignore_permissions=True)

	remove_workflow()

	# Frappe drops an app's Scheduled Job Types only at the next migrate; until then they would fail.
	frappe.db.delete("Scheduled Job Type", {"method": ("like", "referral_crm.%")})
	restore_two_factor()

	frappe.db.delete("Has Role", {"role": ("in", (*ROLES, PORTAL_ROLE))})
	for role in (*ROLES, PORTAL_ROLE):
		frappe.delete_doc("Role", role, force=True, ignore_missing=True, ignore_permissions=True)
	frappe.cache.delete_value("user_permissions")


def after_uninstall():
	"""Frappe keeps the site's hooks cached after an uninstall: the app's request hooks would then be
	called, and refused as not installed, on every request (logins included) until the cache is
	cleared."""
	frappe.clear_cache()


PERM_COLUMNS = (
	"role",
	"permlevel",
	"if_owner",
	"select",
	"read",
	"write",
	"create",
	"delete",
	"submit",
	"cancel",
	"amend",
	"report",
	"export",
	"import",
	"share",
	"print",
	"email",
)


def drop_unchanged_perm_copies(doctype: str):
	"""Adding our roles made Frappe copy the standard permissions into Custom DocPerm; if nobody changed
	those copies since, remove them so the DocType falls back to its standard permissions."""

	def rules(table):
		rows = frappe.get_all(table, filters={"parent": doctype}, fields=list(PERM_COLUMNS))
		return sorted(tuple(row[c] or 0 for c in PERM_COLUMNS) for row in rows)

	if rules("Custom DocPerm") == rules("DocPerm"):
		frappe.db.delete("Custom DocPerm", {"parent": doctype})


def remove_workflow():
	if frappe.db.exists("Workflow", WORKFLOW):
		frappe.delete_doc("Workflow", WORKFLOW, force=True, ignore_permissions=True)

	in_use_elsewhere = set(
		frappe.get_all("Workflow Document State", filters={"parenttype": "Workflow"}, pluck="state")
	) | set(frappe.get_all("Workflow Transition", filters={"parenttype": "Workflow"}, pluck="action"))
	for doctype, names in (("Workflow State", STATUSES), ("Workflow Action Master", WORKFLOW_ACTIONS)):
		for name in names:
			if name not in in_use_elsewhere:
				frappe.delete_doc(doctype, name, force=True, ignore_missing=True, ignore_permissions=True)


# ERPNext, HRMS and Healthcare: the fields linking both sides exist only while the other app does.


def all_bridges() -> dict[str, dict]:
	from referral_crm.field import hrms
	from referral_crm.referral_intelligence import payroll
	from referral_crm.referrals import healthcare

	return {
		"hrms": _merged(hrms.CUSTOM_FIELDS, payroll.CUSTOM_FIELDS),
		"healthcare": healthcare.CUSTOM_FIELDS,
	}


def _merged(*field_sets: dict) -> dict:
	out = {}
	for fields in field_sets:
		for doctype, rows in fields.items():
			out.setdefault(doctype, []).extend(rows)
	return out


def sync_bridge_fields():
	"""Make the bridge fields of each installed app, remove those of an app no longer there."""
	installed = set(frappe.get_installed_apps())
	for app, fields in all_bridges().items():
		if app in installed and all(frappe.db.exists("DocType", doctype) for doctype in fields):
			create_custom_fields(fields, ignore_validate=True)
		else:
			remove_bridge_fields({app: fields})


def remove_bridge_fields(bridges: dict[str, dict]):
	for fields in bridges.values():
		for doctype, rows in fields.items():
			frappe.db.delete(
				"Custom Field", {"dt": doctype, "fieldname": ("in", [r["fieldname"] for r in rows])}
			)
			frappe.clear_cache(doctype=doctype)


def after_app_install(app_name: str):
	"""HRMS or Healthcare installed beside the app: link the two at once, not at the next migrate."""
	if app_name in all_bridges():
		sync_bridge_fields()


def after_app_uninstall(app_name: str):
	if app_name in all_bridges():
		sync_bridge_fields()
