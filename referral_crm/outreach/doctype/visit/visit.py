# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import DocType
from frappe.utils import getdate

from referral_crm.field.checks import verify_check_in
from referral_crm.referral_sources.accounts import forget_cause, visit_logged
from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.referral_sources.rollups import update_practice_last_contact
from referral_crm.referral_sources.territories import territory_of_practice

CHANNEL_ON_WORK_LIST = {
	"In Person": "Visit",
	"Phone Call": "Call",
	"Fax": "Fax",
	"Email": "Email",
	"Postcard": "Postcard",
}


class Visit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from referral_crm.outreach.doctype.visit_contact.visit_contact import VisitContact
		from referral_crm.outreach.doctype.visit_provider.visit_provider import VisitProvider

		call_duration: DF.Int
		channel: DF.Literal[
			"In Person", "Phone Call", "Fax", "Email", "Postcard", "Lunch and Learn", "Drop Off"
		]
		checked_in_at: DF.Datetime | None
		checkin_distance_m: DF.Int
		checkin_latitude: DF.Float
		checkin_longitude: DF.Float
		checkin_verified: DF.Check
		client_id: DF.Data | None
		contacts_met: DF.TableMultiSelect[VisitContact]
		follow_up_date: DF.Date | None
		follow_up_todo: DF.Link | None
		meeting_time: DF.Time | None
		next_step: DF.Data | None
		outreach_call: DF.Link | None
		outcome: DF.Literal[
			"Spoke with Provider",
			"Spoke with Office Staff",
			"Meeting Scheduled",
			"Referral Promised",
			"Left Materials",
			"Left Voicemail",
			"No Answer",
			"Wrong Number",
			"Sent",
			"Not Interested",
			"Asked Not to Contact",
		]
		practice: DF.Link
		practice_name: DF.Data | None
		providers_met: DF.TableMultiSelect[VisitProvider]
		referral_territory: DF.Link | None
		remarks: DF.SmallText | None
		user: DF.Link
		visit_datetime: DF.Datetime

	# end: auto-generated types
	def validate(self):
		check_practice_access(self, [self.practice])
		self.referral_territory = territory_of_practice(self.practice)
		self.validate_follow_up_date()
		verify_check_in(self)

	def on_update(self):
		update_practice_last_contact(self.practice)
		previous = self.get_doc_before_save()
		if previous and previous.practice != self.practice:
			update_practice_last_contact(previous.practice)
		self.sync_follow_up_todo()
		if not previous:
			self.close_answered_follow_ups()
			self.tick_work_list()
		if not previous or previous.outcome != self.outcome or previous.channel != self.channel:
			visit_logged(self)

	def tick_work_list(self):
		"""The touch is done on that day's work list of the person who made it."""
		lists = frappe.get_all(
			"Outreach Work List",
			filters={"user": self.user, "work_date": getdate(self.visit_datetime)},
			pluck="name",
		)
		channel = CHANNEL_ON_WORK_LIST.get(self.channel)
		if not lists or not channel:
			return
		item = DocType("Outreach Work List Item")
		(
			frappe.qb.update(item)
			.set(item.done, 1)
			.set(item.visit, self.name)
			.where(item.parent.isin(lists))
			.where(item.practice == self.practice)
			.where(item.channel == channel)
			.where(item.done == 0)
		).run()

	def close_answered_follow_ups(self):
		"""A new touch of the office answers this person's follow-ups there that are due by now."""
		earlier = frappe.get_all(  # set on an earlier day: a follow-up is for a later touch
			"Visit",
			filters={
				"practice": self.practice,
				"user": self.user,
				"name": ("!=", self.name),
				"visit_datetime": ("<", getdate(self.visit_datetime)),
			},
			pluck="follow_up_todo",
		)
		for todo in frappe.get_all(
			"ToDo",
			filters={
				"name": ("in", [t for t in earlier if t] or [""]),
				"status": "Open",
				"date": ("<=", getdate(self.visit_datetime)),
			},
			pluck="name",
		):
			frappe.db.set_value("ToDo", todo, "status", "Closed")

	def on_trash(self):
		forget_cause(self)
		if self.follow_up_todo:
			frappe.db.set_value("ToDo", self.follow_up_todo, "status", "Cancelled")

	def after_delete(self):
		update_practice_last_contact(self.practice)

	def validate_follow_up_date(self):
		if self.follow_up_date and getdate(self.follow_up_date) < getdate(self.visit_datetime):
			frappe.throw(
				_("The follow-up date cannot be before the visit."), title=_("Invalid Follow-up Date")
			)

	def sync_follow_up_todo(self):
		"""Keep one ToDo for the visit's follow-up, on the staff member's list for that date."""
		todo = frappe.get_doc("ToDo", self.follow_up_todo) if self.follow_up_todo else None
		if not self.follow_up_date:
			if todo and todo.status == "Open":
				todo.status = "Cancelled"
				todo.save(ignore_permissions=True)
			return

		if todo and not (
			self.has_value_changed("follow_up_date")
			or self.has_value_changed("user")
			or self.has_value_changed("next_step")
		):
			return

		todo = todo or frappe.new_doc("ToDo")
		todo.update(
			{
				"allocated_to": self.user,
				"date": self.follow_up_date,
				"description": self.follow_up_description(),
				"reference_type": self.doctype,
				"reference_name": self.name,
				"assigned_by": frappe.session.user,
				"status": "Open",
			}
		)
		todo.save(ignore_permissions=True)
		if self.follow_up_todo != todo.name:
			self.db_set("follow_up_todo", todo.name, update_modified=False)

	def follow_up_description(self) -> str:
		practice = frappe.utils.escape_html(self.practice_name or self.practice)
		step = frappe.utils.escape_html(self.next_step or _("follow up"))
		return _("{0}: {1}").format(practice, step)


def on_doctype_update():
	# A person's visits over a period: the list's "my visits this month", My Day, mileage.
	frappe.db.add_index("Visit", ["user", "visit_datetime"], "user_period_index")
