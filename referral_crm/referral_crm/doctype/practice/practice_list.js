frappe.listview_settings["Practice"] = {
	add_fields: ["account_stage"],
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
