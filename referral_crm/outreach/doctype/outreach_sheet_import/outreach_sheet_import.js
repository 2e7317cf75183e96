// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Outreach Sheet Import", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status !== "Imported") {
			frm.add_custom_button(__("Import Spreadsheet"), () =>
				frm.call({ method: "run_import", doc: frm.doc, freeze: true }).then(() => frm.reload_doc())
			).addClass("btn-primary");
		}
	},
});
