"""The referring office's portal: its own referrals, their status and notes, and a new referral sent in.

A portal user is a Website User with the Referring Office role whose Contact is linked to one or
more Practices. Every method here first finds those practices and answers only about them; a
referral of another office is "not permitted", exactly as if it did not exist. Each look at
patient data is written to the PHI Access Log.
"""

import base64

import frappe
from frappe import _
from frappe.utils.file_manager import save_file

from referral_crm.compliance import audit

PORTAL_ROLE = "Referring Office"
CHANNEL = "Referral Portal"
MAX_FILE_BYTES = 10 * 1024 * 1024


def office_practices(user: str | None = None) -> list[str]:
	"""The practices the user's Contact is linked to, when the user has the portal role."""
	user = user or frappe.session.user
	if user == "Guest" or PORTAL_ROLE not in frappe.get_roles(user):
		return []
	contacts = frappe.get_all("Contact", filters={"user": user}, pluck="name")
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "parent": ("in", contacts or [""]), "link_doctype": "Practice"},
		pluck="link_name",
		distinct=True,
	)


def require_office() -> list[str]:
	practices = office_practices()
	if not practices:
		frappe.throw(_("This page is for staff of referring offices."), frappe.PermissionError)
	return practices


def own_referral(name: str, practices: list[str]):
	if frappe.db.get_value("Referral", name, "referring_practice") not in practices:
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	return frappe.get_doc("Referral", name)


@frappe.whitelist(methods=["GET"])
def get_my_referrals() -> list[dict]:
	"""The office's referrals of the last year, newest first, with what it may download."""
	practices = require_office()
	referrals = frappe.get_all(  # authorised above: only this office's referrals
		"Referral",
		filters={
			"referring_practice": ("in", practices),
			"received_at": (">=", frappe.utils.add_days(frappe.utils.today(), -365)),
		},
		fields=[
			"name",
			"patient_first_name",
			"patient_last_name",
			"patient_date_of_birth",
			"received_at",
			"status",
			"start_of_care",
			"visit_note_sent_at",
		],
		order_by="received_at desc",
		limit_page_length=500,
	)
	files = frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": "Referral",
			"attached_to_name": ("in", [r.name for r in referrals] or [""]),
			"shared_with_referring_office": 1,  # not the intake fax, insurance cards, other notes
		},
		fields=["name", "file_name", "attached_to_name"],
	)
	for r in referrals:
		r.files = [{"name": f.name, "file_name": f.file_name} for f in files if f.attached_to_name == r.name]
	audit.record("Portal", "Referral", [r.name for r in referrals], request="list of the office's referrals")
	return referrals


@frappe.whitelist(methods=["GET"])
def get_file(referral: str, file: str):
	"""A document of one of the office's own referrals (the visit note, say)."""
	practices = require_office()
	doc = own_referral(referral, practices)
	attachment = frappe.get_doc("File", file)
	if (attachment.attached_to_doctype, attachment.attached_to_name) != (
		"Referral",
		doc.name,
	) or not attachment.get("shared_with_referring_office"):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	audit.record("Portal", "Referral", [doc.name], request=f"download {attachment.file_name}")
	frappe.local.response.filename = attachment.file_name
	with open(attachment.get_full_path(), "rb") as content:
		frappe.local.response.filecontent = content.read()
	frappe.local.response.type = "download"


@frappe.whitelist(methods=["POST"])
def submit_referral(
	patient_first_name: str,
	patient_last_name: str,
	patient_date_of_birth: str,
	diagnosis: str | None = None,
	patient_phone: str | None = None,
	practice: str | None = None,
	file_name: str | None = None,
	file_base64: str | None = None,
) -> str:
	"""A new referral from the office, with the referral form attached; intake sees it at once."""
	practices = require_office()
	practice = practice or practices[0]
	if practice not in practices:
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	content = None
	if file_base64:
		try:
			content = base64.b64decode(file_base64, validate=True)
		except ValueError:
			frappe.throw(_("The attached file could not be read."))
		if len(content) > MAX_FILE_BYTES:
			frappe.throw(_("The attached file is larger than 10 MB."))
	referral = frappe.get_doc(
		{
			"doctype": "Referral",
			"channel": CHANNEL,
			"received_at": frappe.utils.now_datetime(),
			"referring_practice": practice,
			"patient_first_name": patient_first_name,
			"patient_last_name": patient_last_name,
			"patient_date_of_birth": patient_date_of_birth,
			"patient_phone": patient_phone,
			"diagnosis": diagnosis,
		}
	)
	referral.flags.ignore_permissions = True  # the office may send referrals, not read the CRM
	referral.insert()
	if content:
		file = save_file(file_name or "referral.pdf", content, "Referral", referral.name, is_private=1)
		file.db_set("shared_with_referring_office", 1)  # the office sent it
	audit.record("Portal", "Referral", [referral.name], request="new referral sent in")
	return referral.name


@frappe.whitelist(methods=["POST"])
def give_portal_access(contact: str) -> str:
	"""Make the office contact a portal user (a website user with the Referring Office role) and send the invitation."""
	frappe.has_permission("Contact", "write", contact, throw=True)
	if not {"Referral Marketing Manager", "Referral Coordinator", "System Manager"} & set(frappe.get_roles()):
		frappe.throw(_("Only a coordinator or manager can give portal access."), frappe.PermissionError)
	doc = frappe.get_doc("Contact", contact)
	if not any(link.link_doctype == "Practice" for link in doc.links):
		frappe.throw(_("Link the contact to the practice they work at first."))
	if not doc.email_id:
		frappe.throw(_("The contact needs an email address to log in with."))
	user = doc.user or frappe.db.exists("User", doc.email_id)
	if not user:
		new_user = frappe.get_doc(
			{
				"doctype": "User",
				"email": doc.email_id,
				"first_name": doc.first_name,
				"last_name": doc.last_name,
				"user_type": "Website User",
				"send_welcome_email": 1,
			}
		)
		new_user.insert(
			ignore_permissions=True
		)  # the caller may manage office contacts, not users in general
		user = new_user.name
	elif frappe.db.get_value("User", user, "user_type") != "Website User":
		frappe.throw(_("{0} is a staff login; portal access is for office staff only.").format(user))
	portal_user = frappe.get_doc("User", user)
	portal_user.flags.ignore_permissions = True
	portal_user.add_roles(PORTAL_ROLE)
	if doc.user != user:
		doc.db_set("user", user)
	return user
