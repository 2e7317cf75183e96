frappe.listview_settings["Provider Taxonomy"] = {
	onload(listview) {
		if (!frappe.model.can_create("Provider Taxonomy")) return;
		listview.page.add_inner_button(__("Load NUCC Code Set"), () => {
			new frappe.ui.FileUploader({
				doctype: "Provider Taxonomy",
				make_attachments_public: false,
				restrictions: { allowed_file_types: [".csv"] },
				on_success(file) {
					frappe
						.call({
							method: "referral_crm.taxonomies.import_code_set",
							args: { file_url: file.file_url },
							freeze: true,
							freeze_message: __("Loading taxonomy codes…"),
						})
						.then((r) => {
							const m = r.message;
							frappe.msgprint(
								__("{0} codes added, {1} updated.", [m.inserted, m.updated]) +
									(m.errors.length ? "<br>" + m.errors.map(frappe.utils.escape_html).join("<br>") : "")
							);
							listview.refresh();
						});
				},
			});
		});
	},
};
