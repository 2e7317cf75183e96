// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Source Scorecard"] = {
	filters: [
		{
			fieldname: "source_type",
			label: __("Source Type"),
			fieldtype: "Select",
			options: "Practice\nProvider",
			default: "Practice",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -84),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "referral_territory", label: __("Territory"), fieldtype: "Link", options: "Referral Territory" },
		{ fieldname: "liaison", label: __("Liaison"), fieldtype: "Link", options: "User" },
	],
};
