frappe.listview_settings["Practice"] = {
	add_fields: ["account_stage"],
	// The map shows only practices the user may see (Frappe's default method ignores row permissions).
	get_coords_method: "referral_crm.referral_sources.maps.get_practice_coords",
	onload(listview) {
		if (frappe.model.can_create("Route Plan")) {
			listview.page.add_action_item(__("Plan a Route"), () => {
				frappe
					.call({
						method: "referral_crm.field.doctype.route_plan.route_plan.make_route_plan",
						args: { practices: listview.get_checked_items(true) },
					})
					.then(({ message }) => frappe.set_route("Form", "Route Plan", message));
			});
		}
		if (!frappe.model.can_create("Outbound Document")) return;
		listview.page.add_action_item(__("Fax the Flyer"), () => {
			const names = listview.get_checked_items(true);
			frappe
				.call({
					method: "referral_crm.outreach.send.send_fax_batch",
					args: { doctype: "Practice", names, print_format: "Practice Fax Flyer" },
				})
				.then(({ message }) => {
					let text = __("{0} faxes queued.", [message.queued.length]);
					if (message.held_back.length)
						text += " " + __("{0} held back by today's fax limit.", [message.held_back.length]);
					if (message.skipped.length)
						text += "<br>" + message.skipped.map(([n, why]) => `${frappe.utils.escape_html(n)}: ${frappe.utils.escape_html(why)}`).join("<br>");
					frappe.msgprint(text);
				});
		});
	},
	get_indicator(doc) {
		const colors = {
			Target: "gray",
			Contacted: "blue",
			Engaged: "orange",
			Referring: "green",
			Dormant: "yellow",
			"Do Not Contact": "red",
		};
		return [__(doc.account_stage), colors[doc.account_stage] || "gray", `account_stage,=,${doc.account_stage}`];
	},
};
