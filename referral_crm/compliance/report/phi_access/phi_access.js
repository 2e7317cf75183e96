// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

// Who looked at this patient's referral, or what this user looked at, over a period.
frappe.query_reports["PHI Access"] = {
	filters: [
		{ fieldname: "referral", label: __("Referral"), fieldtype: "Link", options: "Referral" },
		{ fieldname: "user", label: __("User"), fieldtype: "Link", options: "User" },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
			reqd: 1,
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: "\nDesk Form\nREST\nAPI\nList or Report View\nExport\nApp Report\nPrint\nFile Download\nSearch\nPortal",
		},
	],
};
