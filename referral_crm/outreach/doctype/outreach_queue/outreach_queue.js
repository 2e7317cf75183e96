// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Outreach Queue", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Work This Queue"), () => frappe.set_route("work-queue", frm.doc.name)).addClass(
			"btn-primary"
		);
	},
});
