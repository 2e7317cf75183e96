// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Practice", {
	refresh(frm) {
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "Practice" };
		frm.toggle_display("section_address_contacts", !frm.is_new());
		if (frm.is_new()) {
			frappe.contacts.clear_address_and_contact(frm);
		} else {
			frappe.contacts.render_address_and_contact(frm);
			frm.add_custom_button(__("Log Visit"), () => {
				frappe.new_doc("Visit", { practice: frm.doc.name });
			});
			frm.add_custom_button(
				__("Referrals"),
				() => frappe.set_route("List", "Referral", { referring_practice: frm.doc.name }),
				__("View")
			);
			frm.add_custom_button(
				__("Visits"),
				() => frappe.set_route("List", "Visit", { practice: frm.doc.name }),
				__("View")
			);
		}
		if (frm.perm[0] && frm.perm[0].write) referral_crm.add_registry_button(frm);
		referral_crm.add_send_button(frm);
		referral_crm.render_numbers(frm);
	},
});
