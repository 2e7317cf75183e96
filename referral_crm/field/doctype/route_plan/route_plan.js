// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Route Plan", {
	refresh(frm) {
		const links = (frm.doc.directions || "").split("\n").filter(Boolean);
		const html = links.length
			? links
					.map((url, i) => `<a class="btn btn-primary btn-sm mb-2 mr-2" href="${encodeURI(url)}" target="_blank" rel="noopener">${
						links.length > 1 ? __("Directions, part {0}", [i + 1]) : __("Open Directions")
					}</a>`)
					.join("")
			: `<span class="text-muted">${__("Save to order the stops.")}</span>`;
		frm.fields_dict.directions_html.$wrapper.html(html);
	},
});
