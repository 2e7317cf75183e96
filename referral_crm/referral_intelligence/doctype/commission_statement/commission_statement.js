// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Commission Statement", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Recount"), () =>
				frm.call("regenerate").then(() => frm.reload_doc())
			);
		}
		// With HRMS: an approved statement that could not go to payroll at approval can be sent again.
		if (frm.doc.docstatus === 1 && frm.fields_dict.additional_salary && !frm.doc.additional_salary && frm.perm[0]?.submit) {
			frm.add_custom_button(__("Make Additional Salary"), () =>
				frm.call("make_additional_salary").then(() => frm.reload_doc())
			);
		}
	},
});
