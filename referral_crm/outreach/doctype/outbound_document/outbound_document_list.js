frappe.listview_settings["Outbound Document"] = {
	add_fields: ["status", "last_error"],
	get_indicator(doc) {
		const colors = { Queued: "orange", Sending: "blue", Sent: "green", Failed: "red", Dismissed: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
