// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Spend by Physician"] = {
	filters: [
		{ fieldname: "year", label: __("Year"), fieldtype: "Int", default: new Date().getFullYear(), reqd: 1 },
		{ fieldname: "group_by", label: __("By"), fieldtype: "Select", options: "Physician\nPractice\nLiaison", default: "Physician" },
	],
};
