# Copyright (c) 2026, referral_crm contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from referral_crm.referral_sources.permissions import check_practice_access
from referral_crm.todos import notify, todo

CLOSED = ("Resolved", "Closed")


class PartnerIssue(Document):
	def validate(self):
		check_practice_access(self, [self.practice])
		self.referral_territory, self.liaison = frappe.db.get_value(
			"Practice", self.practice, ["referral_territory", "liaison"]
		)
		if getdate(self.due_date) < getdate(self.raised_on):
			frappe.throw(_("The due date cannot be before the day the issue was raised."))
		if self.status in CLOSED:
			if not (self.resolution or "").strip():
				frappe.throw(
					_("Write the resolution the liaison will relay to the office."),
					title=_("Resolution Required"),
				)
			self.resolved_on = self.resolved_on or today()
		else:
			self.resolved_on = None

	def on_update(self):
		previous = self.get_doc_before_save()
		self.sync_todo()
		if self.status in CLOSED and (not previous or previous.status not in CLOSED):
			notify(
				[self.liaison],
				self,
				_("{0}: {1} resolved. Let the office know: {2}").format(
					self.practice_name, _(self.issue_type), self.resolution
				),
			)

	def sync_todo(self):
		"""The owner has one ToDo for the issue, due on its due date, closed when it is resolved."""
		if self.todo and frappe.db.exists("ToDo", self.todo):
			todo_doc = frappe.get_doc("ToDo", self.todo)
			todo_doc.update(
				{
					"allocated_to": self.assigned_to,
					"date": self.due_date,
					"status": "Closed" if self.status in CLOSED else "Open",
				}
			)
			todo_doc.save(ignore_permissions=True)
		elif self.status not in CLOSED:
			name = todo(
				self.assigned_to,
				self,
				_("{0} ({1}): {2}").format(self.practice_name, _(self.issue_type), self.description),
				date=self.due_date,
				priority="High" if self.issue_type == "Complaint" else "Medium",
			)
			self.db_set("todo", name, update_modified=False)
