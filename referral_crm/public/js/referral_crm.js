frappe.provide("referral_crm");

// Phone and fax numbers are stored in E.164; the server sends them formatted for reading,
// with tel: links so a liaison can call from the form.
referral_crm.render_numbers = function (frm) {
	const field = frm.fields_dict.numbers_html;
	if (!field) return;
	const numbers = (frm.doc.__onload && frm.doc.__onload.numbers) || [];
	if (!numbers.length || frm.is_dirty()) {
		field.$wrapper.empty();
		return;
	}
	const rows = numbers.map(
		(n) => `<div class="mb-1">
			<span class="text-muted">${frappe.utils.escape_html(n.label)}</span>
			<a class="ml-2" href="tel:${frappe.utils.escape_html(n.dial)}">${frappe.utils.escape_html(n.display)}</a>
		</div>`
	);
	field.$wrapper.html(`<div class="referral-crm-numbers">${rows.join("")}</div>`);
};

// Each role's lists show the columns its job needs (chosen on the server, see core/listviews.py).
if (frappe.views && frappe.views.ListView) {
	const standard_setup_columns = frappe.views.ListView.prototype.setup_columns;
	frappe.views.ListView.prototype.setup_columns = function () {
		standard_setup_columns.call(this);
		const wanted = ((frappe.boot && frappe.boot.referral_crm_list_columns) || {})[this.doctype];
		if (!wanted) return;
		const fixed = this.columns.filter((column) => column.type !== "Field");
		const fields = wanted
			.map((fieldname) => frappe.meta.get_docfield(this.doctype, fieldname))
			.filter(Boolean)
			.map((df) => ({ type: "Field", df }));
		this.columns = fixed.concat(fields);
	};
}

// "Fetch from NPI Registry" on Provider and Practice: asked for, never on every save.
referral_crm.add_registry_button = function (frm) {
	frm.add_custom_button(__("Fetch from NPI Registry"), () => {
		if (!frm.doc.npi) {
			frappe.msgprint(__("Enter the NPI first."));
			return;
		}
		if (frm.is_new()) {
			frappe
				.call({
					method: "referral_crm.referral_sources.npi_registry.get_registry_values",
					args: { doctype: frm.doctype, npi: frm.doc.npi },
					freeze: true,
					freeze_message: __("Asking the NPI Registry…"),
				})
				.then((r) => frm.set_value(r.message));
			return;
		}
		frappe
			.call({
				method: "referral_crm.referral_sources.npi_registry.refresh_from_registry",
				args: { doctype: frm.doctype, name: frm.doc.name },
				freeze: true,
				freeze_message: __("Asking the NPI Registry…"),
			})
			.then((r) => {
				frm.reload_doc();
				frappe.show_alert({
					message: r.message.length
						? __("Updated from the NPI Registry: {0}", [r.message.join(", ")])
						: __("Already matches the NPI Registry."),
					indicator: "green",
				});
			});
	});
};

// "Send by Fax or Email": queue a print format of this document; the outbox delivers and retries it.
referral_crm.add_send_button = function (frm) {
	if (frm.is_new() || !frappe.model.can_create("Outbound Document")) return;
	frm.add_custom_button(__("Send by Fax or Email"), () => {
		const dialog = new frappe.ui.Dialog({
			title: __("Send {0}", [frm.doc.name]),
			fields: [
				{
					fieldname: "print_format",
					fieldtype: "Link",
					label: __("What to Send"),
					options: "Print Format",
					reqd: 1,
					get_query: () => ({ filters: { doc_type: frm.doctype, disabled: 0 } }),
				},
				{ fieldname: "channel", fieldtype: "Select", label: __("Send By"), options: "Fax\nEmail", default: "Fax" },
				{
					fieldname: "to",
					fieldtype: "Data",
					label: __("To"),
					description: __("Leave empty for the office's own fax number or email"),
				},
				{ fieldname: "letter_head", fieldtype: "Link", label: __("Letter Head"), options: "Letter Head" },
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				frappe
					.call({
						method: "referral_crm.outreach.send.send_document",
						args: { doctype: frm.doctype, name: frm.doc.name, ...values },
					})
					.then((r) => {
						dialog.hide();
						frappe.show_alert({
							message: __("Queued as {0}; it goes out in the background and is retried if the line is busy.", [
								`<a href="/app/outbound-document/${r.message}">${r.message}</a>`,
							]),
							indicator: "blue",
						});
					});
			},
		});
		dialog.show();
	});
};
