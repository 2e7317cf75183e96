// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Referral Funnel"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -84),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "service_line", label: __("Service Line"), fieldtype: "Link", options: "Service Line" },
		{ fieldname: "referral_territory", label: __("Territory"), fieldtype: "Link", options: "Referral Territory" },
		{ fieldname: "referring_practice", label: __("Referring Practice"), fieldtype: "Link", options: "Practice" },
	],
};
