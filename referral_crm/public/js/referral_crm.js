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
