// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("HL7 Message", {
	refresh(frm) {
		if (["Error", "Received"].includes(frm.doc.status) && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Apply Again"), () =>
				frm.call("apply_again").then(() => frm.reload_doc())
			);
			frm.add_custom_button(__("Dismiss"), () => frm.call("dismiss").then(() => frm.reload_doc()));
		}
	},
});
