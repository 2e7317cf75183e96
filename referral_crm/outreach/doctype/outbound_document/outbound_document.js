// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Outbound Document", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.status === "Failed") {
			frm.dashboard.set_headline_alert(
				`<div class="text-danger">${__("Not sent: {0}", [frappe.utils.escape_html(frm.doc.last_error || "")])}</div>`
			);
		}
		if (["Failed", "Queued", "Dismissed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Send Again"), () => frm.call("resend").then(() => frm.reload_doc())).addClass(
				"btn-primary"
			);
		}
		if (["Failed", "Queued"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Dismiss"), () => frm.call("dismiss").then(() => frm.reload_doc()));
		}
	},
});
