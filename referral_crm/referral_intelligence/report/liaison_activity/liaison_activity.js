// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Liaison Activity"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -56),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "user", label: __("Staff Member"), fieldtype: "Link", options: "User" },
	],
};
