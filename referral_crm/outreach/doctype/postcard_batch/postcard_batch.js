// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Postcard Batch", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Draft") return;
		frm.add_custom_button(__("Find Recipients"), () => frm.call("build_batch").then(() => frm.reload_doc()));
		if (frm.doc.recipient_count) {
			frm.add_custom_button(__("Send to Mail House"), () =>
				frappe.confirm(
					__("Attach the address list and the cards, and log a postcard for {0} offices?", [frm.doc.recipient_count]),
					() => frm.call("send_to_mail_house").then(() => frm.reload_doc())
				)
			).addClass("btn-primary");
		}
	},
});
