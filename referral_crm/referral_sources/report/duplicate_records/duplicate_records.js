// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.query_reports["Duplicate Records"] = {
	filters: [
		{
			fieldname: "record_type",
			label: __("Look For"),
			fieldtype: "Select",
			options: "Practice\nProvider",
			default: "Practice",
			reqd: 1,
		},
		{
			fieldname: "record",
			label: __("Duplicates Of"),
			fieldtype: "Dynamic Link",
			options: "record_type",
			// the type is a Select, which the Dynamic Link control does not find on a report page
			get_options: () => frappe.query_report.get_filter_value("record_type"),
			description: __("One practice or provider: its likely duplicates anywhere on the site."),
		},
		{
			fieldname: "nppes_import",
			label: __("Records of NPPES Import"),
			fieldtype: "Link",
			options: "NPPES Import",
		},
		{ fieldname: "threshold", label: __("Lowest Score"), fieldtype: "Int", default: 80 },
	],
	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname === "merge" && data && data.record) {
			return `<button class="btn btn-xs btn-default" data-merge="${encodeURIComponent(JSON.stringify(data))}">${__("Merge")}</button>`;
		}
		return default_formatter(value, row, column, data);
	},
	onload(report) {
		report.page.add_inner_button(__("Compare the Whole Site Again"), () => {
			frappe
				.call({
					method: "referral_crm.referral_sources.duplicates.start_sweep",
					args: { record_type: report.get_filter_value("record_type") },
				})
				.then(() =>
					frappe.show_alert({
						message: __("Comparing in the background; open the report again when it is done."),
						indicator: "blue",
					}),
				);
		});
		report.page.wrapper.on("click", "button[data-merge]", (event) => {
			const data = JSON.parse(decodeURIComponent(event.currentTarget.dataset.merge));
			const keep = new frappe.ui.Dialog({
				title: __("Merge duplicates"),
				fields: [
					{
						fieldname: "keep",
						fieldtype: "Select",
						label: __("Keep"),
						options: [
							{ value: data.record, label: `${data.record_name} (${data.record})` },
							{ value: data.other, label: `${data.other_name} (${data.other})` },
						],
						default: data.record,
						description: __("Visits, referrals, contacts and comments of the other move to the one kept; the other is deleted."),
					},
				],
				primary_action_label: __("Merge"),
				primary_action({ keep: kept }) {
					const remove = kept === data.record ? data.other : data.record;
					frappe
						.call({
							method: "referral_crm.referral_sources.duplicates.merge_records",
							args: { doctype: data.doctype, keep: kept, remove },
							freeze: true,
						})
						.then(() => {
							keep.hide();
							frappe.show_alert({ message: __("Merged into {0}", [kept]), indicator: "green" });
							report.refresh();
						});
				},
			});
			keep.show();
		});
	},
};
