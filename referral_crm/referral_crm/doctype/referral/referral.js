// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Referral", {
	setup(frm) {
		frm.set_query("primary_care_provider", () => ({ filters: { is_pcp: 1 } }));
	},
	async referring_provider(frm) {
		if (!frm.doc.referring_provider || frm.doc.referring_practice) return;
		const { message } = await frappe.db.get_value("Provider", frm.doc.referring_provider, "primary_practice");
		if (message && message.primary_practice) {
			frm.set_value("referring_practice", message.primary_practice);
		}
	},
});
