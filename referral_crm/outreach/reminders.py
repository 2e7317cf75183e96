"""Follow-ups that must not slip: the morning email of what is due, and new targets shared round-robin."""

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.query_builder.functions import Extract
from frappe.utils import add_days, get_url, getdate, today
from pypika.enums import DatePart

SETTINGS = "Referral CRM Settings"
FOLLOW_UP_DOCTYPES = ("Visit", "Practice", "Provider", "Referral", "Outbound Document", "Partner Issue")
LIAISON = "Physician Liaison"


def send_follow_up_reminders() -> dict[str, int]:
	"""Daily: each person gets one email listing their open follow-ups dated today or earlier."""
	if not EmailAccount.find_outgoing(_raise_error=False):
		return {}  # no way to send yet; the follow-ups still show on each person's workspace
	todos = frappe.get_all(
		"ToDo",
		filters={
			"status": "Open",
			"date": ("<=", today()),
			"reference_type": ("in", FOLLOW_UP_DOCTYPES),
			"allocated_to": ("is", "set"),
		},
		fields=["allocated_to", "description", "date", "reference_type", "reference_name"],
		order_by="date asc",
	)
	by_user: dict[str, list] = {}
	for todo in todos:
		todo.overdue = getdate(todo.date) < getdate(today())
		by_user.setdefault(todo.allocated_to, []).append(todo)
	sent = {}
	for user, items in by_user.items():
		if not frappe.db.get_value("User", user, "enabled"):
			continue
		frappe.sendmail(
			recipients=[user],
			subject=_("{0} follow-ups due today").format(len(items)),
			template="follow_up_reminders",
			args={"todos": items, "site_url": get_url(), "user": user},
			reference_doctype="User",
			reference_name=user,
		)
		sent[user] = len(items)
	return sent


def remind_birthdays(day=None) -> list[str]:
	"""Daily: a ToDo for the liaison to send a card, the set number of days before a provider's birthday."""
	ahead = frappe.db.get_single_value(SETTINGS, "birthday_reminder_days")
	ahead = 7 if ahead is None else ahead
	when = getdate(add_days(day or today(), ahead))
	provider = frappe.qb.DocType("Provider")
	practice = frappe.qb.DocType("Practice")
	rows = (
		frappe.qb.from_(provider)
		.left_join(practice)
		.on(practice.name == provider.primary_practice)
		.select(provider.name, provider.provider_name, practice.liaison, practice.account_owner)
		.where(
			provider.birthday.isnotnull()
			& (Extract(DatePart.month, provider.birthday) == when.month)
			& (Extract(DatePart.day, provider.birthday) == when.day)
		)
		.run(as_dict=True)
	)
	made = []
	for row in rows:
		user = row.liaison or row.account_owner
		if not user:
			continue
		description = _("Send {0} a birthday card (birthday on {1}); log it as a postcard visit.").format(
			row.provider_name, frappe.format(when, {"fieldtype": "Date"})
		)
		if frappe.db.exists(
			"ToDo", {"reference_type": "Provider", "reference_name": row.name, "description": description}
		):
			continue
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"date": add_days(when, -2),
				"description": description,
				"reference_type": "Provider",
				"reference_name": row.name,
			}
		).insert(ignore_permissions=True)
		made.append(row.name)
	return made


def remind_card_occasions(day=None) -> list[str]:
	"""Daily: before each occasion in the settings, each liaison is reminded to send cards to their engaged offices."""
	ahead = frappe.db.get_single_value(SETTINGS, "birthday_reminder_days")
	when = getdate(add_days(day or today(), 7 if ahead is None else ahead))
	occasions = [
		o.occasion
		for o in frappe.get_all(
			"Card Occasion",
			filters={"parent": SETTINGS, "parenttype": SETTINGS},
			fields=["occasion", "occasion_date"],
		)
		if (getdate(o.occasion_date).month, getdate(o.occasion_date).day) == (when.month, when.day)
	]
	made = []
	for occasion in occasions:
		offices: dict[str, int] = {}
		for row in frappe.get_all(
			"Practice",
			filters={"account_stage": ("in", ["Engaged", "Referring", "Dormant"]), "liaison": ("is", "set")},
			fields=["liaison"],
		):
			offices[row.liaison] = offices.get(row.liaison, 0) + 1
		for user, count in offices.items():
			description = _(
				"{0} on {1}: send cards to your {2} engaged and referring offices; log each as a postcard visit."
			).format(occasion, frappe.format(when, {"fieldtype": "Date"}), count)
			if frappe.db.exists("ToDo", {"allocated_to": user, "description": description}):
				continue
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": user,
					"date": add_days(when, -2),
					"description": description,
				}
			).insert(ignore_permissions=True)
			made.append(user)
	return made
