// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Visit", {
	setup(frm) {
		frm.set_query("providers_met", () =>
			frm.doc.practice
				? { filters: [["Provider Practice", "practice", "=", frm.doc.practice]] }
				: {}
		);
		frm.set_query("contacts_met", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Practice", link_name: frm.doc.practice },
		}));
	},
	channel(frm) {
		const sent = ["Fax", "Email", "Postcard"].includes(frm.doc.channel);
		if (sent && !frm.doc.outcome) frm.set_value("outcome", "Sent");
	},
});
