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
