// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Referral Trend by Source"] = {
	filters: [
		{
			fieldname: "source_type",
			label: __("Source Type"),
			fieldtype: "Select",
			options: "Practice\nProvider",
			default: "Practice",
		},
		{ fieldname: "to_date", label: __("Up to Week Of"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "weeks", label: __("Weeks"), fieldtype: "Int", default: 8 },
		{ fieldname: "referral_territory", label: __("Territory"), fieldtype: "Link", options: "Referral Territory" },
		{ fieldname: "liaison", label: __("Liaison"), fieldtype: "Link", options: "User" },
	],
};
