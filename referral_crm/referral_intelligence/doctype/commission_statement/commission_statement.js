// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Commission Statement", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Recount"), () =>
				frm.call("regenerate").then(() => frm.reload_doc())
			);
		}
	},
});
