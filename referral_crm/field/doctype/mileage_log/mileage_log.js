// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Mileage Log", {
	refresh(frm) {
		// With HRMS: an approved log whose claim could not be made at approval can be claimed again.
		if (frm.doc.docstatus === 1 && frm.fields_dict.expense_claim && !frm.doc.expense_claim && frm.perm[0]?.submit) {
			frm.add_custom_button(__("Make Expense Claim"), () =>
				frm.call("make_expense_claim").then(() => frm.reload_doc())
			);
		}
	},
});
