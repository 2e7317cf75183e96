// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("Referral", {
	setup(frm) {
		frm.set_query("primary_care_provider", () => ({ filters: { is_pcp: 1 } }));
	},
	refresh(frm) {
		show_visit_note_clock(frm);
		add_share_button(frm);
		if (frm.perm[0] && frm.perm[0].print) referral_crm.add_send_button(frm);
	},
	async referring_provider(frm) {
		if (!frm.doc.referring_provider || frm.doc.referring_practice) return;
		const { message } = await frappe.db.get_value("Provider", frm.doc.referring_provider, "primary_practice");
		if (message && message.primary_practice) {
			frm.set_value("referring_practice", message.primary_practice);
		}
	},
});

// The promise to the referring office: the note goes out within the hours set in Referral CRM Settings.
function show_visit_note_clock(frm) {
	const due = frm.doc.visit_note_due_at;
	if (!due || frm.doc.visit_note_sent_at) {
		if (frm.doc.visit_note_status) {
			frm.dashboard.set_headline(__("Visit note: {0}", [__(frm.doc.visit_note_status)]));
		}
		return;
	}
	const hours = frappe.datetime.get_hour_diff(due, frappe.datetime.now_datetime());
	const text =
		hours >= 0
			? __("Visit note due to the referring office in {0} hours", [Math.round(hours)])
			: __("Visit note overdue by {0} hours", [Math.round(-hours)]);
	frm.dashboard.set_headline(text, hours >= 0 ? "orange" : "red");
	if (!frm.is_new() && frm.perm[0] && frm.perm[0].write) {
		frm.add_custom_button(
			__("Send Visit Note"),
			() => {
				const files = (frm.get_docinfo().attachments || []).map((f) => f.file_url);
				if (!files.length) {
					frappe.msgprint(__("Attach the visit note to this referral first."));
					return;
				}
				frm.call("visit_note_channels").then(({ message: addresses }) => {
					const channels = Object.keys(addresses || {});
					if (!channels.length) {
						frappe.msgprint(__("The referring office has no email or Direct address; fax the note."));
						return;
					}
					frappe.prompt(
						[
							{
								fieldname: "file_url",
								fieldtype: "Select",
								label: __("Visit Note"),
								options: files,
								default: files[files.length - 1],
								reqd: 1,
							},
							{
								fieldname: "channel",
								fieldtype: "Select",
								label: __("Send By"),
								options: channels.map((c) => ({ value: c, label: `${__(c)}: ${addresses[c]}` })),
								// Direct lands in the referrer's EHR: offer it first where there is one.
								default: channels.includes("Direct") ? "Direct" : "Email",
								reqd: 1,
							},
						],
						({ file_url, channel }) =>
							frm.call("email_visit_note", { file_url, channel }).then(() => frm.reload_doc()),
						__("Send the Visit Note to the Referring Office")
					);
				});
			},
			__("Visit Note")
		);
		frm.add_custom_button(
			__("Fax Visit Note"),
			() => {
				const files = (frm.get_docinfo().attachments || []).map((f) => f.file_url);
				if (!files.length) {
					frappe.msgprint(__("Attach the visit note to this referral first."));
					return;
				}
				frappe.prompt(
					{ fieldname: "file_url", fieldtype: "Select", label: __("Visit Note"), options: files, default: files[files.length - 1], reqd: 1 },
					({ file_url }) =>
						frm.call("fax_visit_note", { file_url }).then((r) =>
							frappe.show_alert({
								message: __("Queued as {0}; the clock stops when the fax goes through.", [r.message]),
								indicator: "blue",
							})
						),
					__("Fax the Visit Note to the Referring Office")
				);
			},
			__("Visit Note")
		);
		frm.add_custom_button(
			__("Sent by Hand"),
			() => frm.call("mark_visit_note_sent").then(() => frm.reload_doc()),
			__("Visit Note")
		);
	}
}

// Which of the referral's files the referring office sees in its portal: only those shared.
function add_share_button(frm) {
	if (frm.is_new() || !(frm.perm[1] && frm.perm[1].read) || !(frm.perm[0] && frm.perm[0].write)) return;
	frm.add_custom_button(
		__("Share a Document with the Office"),
		() => {
			const files = (frm.get_docinfo().attachments || []).map((f) => f.file_url);
			if (!files.length) {
				frappe.msgprint(__("Attach the document to this referral first."));
				return;
			}
			frappe.prompt(
				{ fieldname: "file_url", fieldtype: "Select", label: __("Document"), options: files, reqd: 1 },
				({ file_url }) =>
					frm.call("share_document_with_office", { file_url }).then(() =>
						frappe.show_alert({ message: __("The office sees it in its portal."), indicator: "green" })
					),
				__("Share with the Referring Office's Portal")
			);
		},
		__("Documents")
	);
}
