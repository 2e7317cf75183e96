// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("NPPES Import", {
	setup(frm) {
		frappe.realtime.on("nppes_import_progress", (data) => {
			if (data.name !== frm.doc.name) return;
			if (data.finished) {
				frm.dashboard.hide_progress();
				frm.reload_doc();
				return;
			}
			frm.dashboard.show_progress(
				__("Importing"),
				Math.min(99, (100 * data.done) / Math.max(data.total, 1)),
				__("{0} of about {1} rows read", [data.done.toLocaleString(), data.total.toLocaleString()])
			);
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		if (["Queued", "Running"].includes(frm.doc.status)) {
			frm.dashboard.set_headline(__("The import is running; this page follows it."));
			return;
		}
		const label = frm.doc.status === "Draft" ? __("Start Import") : __("Import Again");
		frm.add_custom_button(label, () =>
			frm.call("start_import").then(() => frm.reload_doc())
		).addClass("btn-primary");
	},
});
