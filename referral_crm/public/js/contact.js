// Office staff linked to a Practice can be given the referring-office portal from their Contact.
frappe.ui.form.on("Contact", {
	refresh(frm) {
		const at_practice = (frm.doc.links || []).some((l) => l.link_doctype === "Practice");
		if (frm.is_new() || !at_practice || !frappe.user.has_role(["Referral Marketing Manager", "Referral Coordinator", "System Manager"])) return;
		frm.add_custom_button(__("Give Portal Access"), () =>
			frappe
				.call({ method: "referral_crm.referrals.portal.give_portal_access", args: { contact: frm.doc.name } })
				.then((r) => {
					frappe.show_alert({ message: __("{0} can log in to the referring-office portal.", [r.message]), indicator: "green" });
					frm.reload_doc();
				})
		);
	},
});
