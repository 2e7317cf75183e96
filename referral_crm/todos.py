"""The people who must act hear of it: a bell notification, or a ToDo on the record."""

import frappe
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.utils import escape_html, today


def notify(users, doc, subject: str) -> None:
	users = [u for u in dict.fromkeys(users) if u]
	if users:
		enqueue_create_notification(
			users,
			{
				"type": "Alert",
				"document_type": doc.doctype,
				"document_name": doc.name,
				"subject": subject,
				"from_user": frappe.session.user,
			},
		)


def todo(user: str | None, doc, description: str, date=None, priority: str = "Medium") -> str | None:
	if not user:
		return None
	return (
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"date": date or today(),
				"priority": priority,
				"description": escape_html(description),
				"reference_type": doc.doctype,
				"reference_name": doc.name,
				"assigned_by": frappe.session.user,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def attempt(doc, make, title: str, failed: str) -> str | None:
	"""Hand a record over to another app with `make(doc)`. When that fails, only the hand-over is undone:
	the error is logged and `failed` (formatted with the record's name and the reason) goes on the
	user's list, so the user's own save stands."""
	savepoint = "referral_crm_hand_over"
	frappe.db.savepoint(savepoint)
	try:
		return make(doc)
	except Exception as e:
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_last_message()
		frappe.log_error(title=title, reference_doctype=doc.doctype, reference_name=doc.name)
		todo(
			frappe.session.user,
			doc,
			failed.format(doc.name, frappe.utils.strip_html(str(e))),
			priority="High",
		)
		return None
