// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Partner Issue", {
	onload(frm) {
		if (frm.is_new() && !frm.doc.due_date) {
			frm.set_value("due_date", frappe.datetime.add_days(frappe.datetime.get_today(), 3));
		}
	},
});
