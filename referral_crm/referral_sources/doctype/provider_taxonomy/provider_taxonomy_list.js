frappe.listview_settings["Provider Taxonomy"] = {
	add_fields: ["deprecated"],
	get_indicator(doc) {
		if (doc.deprecated) return [__("Deprecated"), "orange", "deprecated,=,1"];
	},
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
							method: "referral_crm.referral_sources.taxonomies.import_code_set",
							args: { file_url: file.file_url },
							freeze: true,
							freeze_message: __("Loading taxonomy codes…"),
						})
						.then((r) => {
							const m = r.message;
							const lines = [__("{0} codes added, {1} updated.", [m.inserted, m.updated])];
							if (m.version) lines.push(__("NUCC code set version {0}.", [m.version]));
							if (m.deprecated.length)
								lines.push(
									__("No longer listed, kept and marked deprecated: {0}", [m.deprecated.join(", ")])
								);
							if (m.older_than_site)
								lines.push(__("The site already has a newer code set: only missing codes were added."));
							if (m.partial)
								lines.push(__("This file lacks many codes the site has, so none was marked deprecated."));
							frappe.msgprint(
								lines.map(frappe.utils.escape_html).join("<br>") +
									(m.errors.length ? "<br>" + m.errors.map(frappe.utils.escape_html).join("<br>") : "")
							);
							listview.refresh();
						});
				},
			});
		});
	},
};
