"""One read of patient data: who, when, which record or how many, through which channel, from where."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now


class PHIAccessLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		accessed_at: DF.Datetime | None
		channel: DF.Literal[
			"Desk Form",
			"REST",
			"API",
			"List or Report View",
			"Export",
			"App Report",
			"Print",
			"File Download",
			"Search",
			"Portal",
			"Healthcare",
		]
		ip_address: DF.Data | None
		records: DF.LongText | None
		reference_doctype: DF.Link | None
		reference_name: DF.Data | None
		request: DF.SmallText | None
		row_count: DF.Int
		user: DF.Link | None

	# end: auto-generated types
	def validate(self):
		if not self.is_new():
			frappe.throw(_("The PHI access log cannot be changed."), frappe.PermissionError)

	def on_trash(self):
		frappe.throw(
			_("The PHI access log cannot be deleted; old entries leave only by the retention period."),
			frappe.PermissionError,
		)

	@staticmethod
	def clear_old_logs(days: int) -> None:
		"""Called by Log Settings: entries older than the retention period (six years unless changed) leave."""
		table = frappe.qb.DocType("PHI Access Log")
		frappe.qb.from_(table).delete().where(table.accessed_at < (Now() - Interval(days=days))).run()
