frappe.treeview_settings["Practice"] = {
	breadcrumb: "Referral CRM",
	title: __("Practices"),
	get_tree_root: false,
	root_label: __("All Practices"),
	get_tree_nodes: "frappe.desk.treeview.get_children",
	fields: [
		{ fieldtype: "Data", fieldname: "practice_name", label: __("Practice Name"), reqd: true },
		{ fieldtype: "Data", fieldname: "zip_code", label: __("ZIP Code") },
		{
			fieldtype: "Check",
			fieldname: "is_group",
			label: __("Is Organisation"),
			description: __("An organisation holds its practice locations"),
		},
	],
	ignore_fields: ["parent_practice"],
};
