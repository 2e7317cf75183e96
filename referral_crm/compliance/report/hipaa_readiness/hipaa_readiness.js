// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

// Each safeguard of the site, met or not, and how to meet it.
frappe.query_reports["HIPAA Readiness"] = {
	filters: [],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status" && data) {
			const color = data.status === "Met" ? "green" : "red";
			return `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
