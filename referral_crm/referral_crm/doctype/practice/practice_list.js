frappe.listview_settings["Practice"] = {
	add_fields: ["account_stage"],
	// The map shows only practices the user may see (Frappe's default method ignores row permissions).
	get_coords_method: "referral_crm.api.maps.get_practice_coords",
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
