// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Referral CRM Settings", {
	refresh(frm) {
		frm.add_custom_button(__("Run Alerts Now"), () =>
			frappe.call({ method: "referral_crm.referral_intelligence.actions.run_alerts_now", type: "POST" }).then((r) =>
				frappe.show_alert({ message: r.message, indicator: "green" })
			)
		);
		frm.add_custom_button(__("Draft Commission Statements"), () =>
			frappe.prompt(
				{
					fieldname: "month",
					fieldtype: "Date",
					label: __("Any Day of the Month"),
					reqd: 1,
					default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
				},
				({ month }) =>
					frappe
						.call({
							method: "referral_crm.referral_intelligence.actions.draft_commission_statements",
							type: "POST",
							args: { month },
						})
						.then((r) => frappe.show_alert({ message: r.message, indicator: "green" })),
				__("Draft Commission Statements")
			)
		);
	},
});
