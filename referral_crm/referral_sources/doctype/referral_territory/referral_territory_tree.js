frappe.treeview_settings["Referral Territory"] = {
	breadcrumb: "Referral CRM",
	title: __("Referral Territories"),
	get_tree_root: false,
	root_label: __("All Territories"),
	get_tree_nodes: "frappe.desk.treeview.get_children",
	fields: [
		{ fieldtype: "Data", fieldname: "territory_name", label: __("Territory Name"), reqd: true },
		{
			fieldtype: "Check",
			fieldname: "is_group",
			label: __("Is Group"),
			description: __("A group holds smaller territories"),
		},
	],
	ignore_fields: ["parent_referral_territory"],
};
