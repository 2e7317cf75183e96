// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Appointment Import", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status !== "Imported") {
			frm.add_custom_button(__("Import Appointments"), () =>
				frm.call("run_import").then(() => frm.reload_doc())
			).addClass("btn-primary");
		}
	},
});
