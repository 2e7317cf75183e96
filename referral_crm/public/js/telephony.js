// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

// Calls through the agency's voice provider: "Call" on practices, providers and office contacts
// (rings the user's own phone, then the office), call progress, and the pop-up the people on duty
// see when an office calls in. With telephony off, numbers stay plain tel: links.
frappe.provide("referral_crm.telephony");

referral_crm.telephony.enabled = () =>
	Boolean(frappe.boot && frappe.boot.referral_crm_telephony && frappe.boot.referral_crm_telephony.enabled);

referral_crm.telephony.call = function (doctype, name, number) {
	return frappe
		.call({
			method: "referral_crm.outreach.telephony.click_to_call",
			args: { doctype, name, number },
			freeze: true,
			freeze_message: __("Placing the call…"),
		})
		.then((r) => {
			frappe.show_alert({
				message: __("Your phone ({0}) rings first, then {1}.", [r.message.ringing, r.message.office]),
				indicator: "blue",
			});
			return r.message;
		});
};

// "Call" on the forms of everyone the agency phones.
["Practice", "Provider", "Contact"].forEach((doctype) => {
	frappe.ui.form.on(doctype, "refresh", (frm) => {
		if (frm.is_new() || !referral_crm.telephony.enabled()) return;
		const numbers = [frm.doc.phone, frm.doc.mobile_no, ...(frm.doc.phone_nos || []).map((row) => row.phone)];
		[...new Set(numbers.filter(Boolean))].forEach((number) => {
			frm.add_custom_button(number, () => referral_crm.telephony.call(frm.doctype, frm.doc.name, number), __("Call"));
		});
	});
});

// A tel: link on a form or on Work a Queue calls through the provider instead of the computer's dialler.
$(document).on("click", "a[href^='tel:']", function (event) {
	if (!referral_crm.telephony.enabled()) return;
	const $link = $(this);
	let doctype = $link.attr("data-call-doctype");
	let name = $link.attr("data-call-name");
	if (!doctype && window.cur_frm && ["Practice", "Provider", "Contact"].includes(cur_frm.doctype)) {
		doctype = cur_frm.doctype;
		name = cur_frm.doc.name;
	}
	if (!doctype || !name) return;
	event.preventDefault();
	referral_crm.telephony.call(doctype, name, decodeURIComponent($link.attr("href").slice(4)).split(",")[0]);
});

// The socket exists once the desk has started: listen from then on.
$(document).on("app_ready", () => {
	// Progress of the user's own calls (the dialer on Work a Queue listens too).
	frappe.realtime.on("referral_crm_call", (state) => {
		$(document).trigger("referral_crm_call", [state]);
		if (state.mode === "Click to Call" && state.disposition) {
			frappe.show_alert({ message: __("Call logged: {0}", [__(state.outcome || state.disposition)]), indicator: "green" });
		}
	});
	// The office calling in, on the desks of the people on duty.
	frappe.realtime.on("referral_crm_incoming_call", (card) => referral_crm.telephony.show_incoming(card));
});

referral_crm.telephony.show_incoming = function (card) {
	const e = frappe.utils.escape_html;
	const p = card.practice;
	const who = [card.provider, card.contact].filter(Boolean).map(e).join(", ");
	let body;
	if (p) {
		const touches = (card.touches || [])
			.map((t) => `<li>${frappe.datetime.str_to_user(t.visit_datetime)} · ${__(t.channel)} · ${__(t.outcome)}</li>`)
			.join("");
		const issues = (card.issues || [])
			.map((i) => `<li><a href="/app/partner-issue/${encodeURIComponent(i.name)}">${__(i.issue_type)}</a> · ${__(i.status)}${i.due_date ? " · " + frappe.datetime.str_to_user(i.due_date) : ""}</li>`)
			.join("");
		body = `
			<div class="incoming-call-card">
				<h4 class="incoming-practice"><a href="/app/practice/${encodeURIComponent(p.name)}">${e(p.practice_name)}</a>
					<span class="indicator-pill gray">${__(p.account_stage || "")}</span></h4>
				<div class="text-muted mb-2">${e(card.number)}${who ? " · " + who : ""}${p.city ? " · " + e(p.city) : ""}</div>
				<div class="mb-2">${__("Account owner")}: ${e(p.account_owner || __("none"))} ·
					<span class="incoming-referrals">${__("Referrals this month")}: ${cint(card.referrals_this_month)}</span></div>
				<h6>${__("Last touches")}</h6><ul>${touches || `<li class="text-muted">${__("Never contacted")}</li>`}</ul>
				<h6>${__("Open issues")}</h6><ul>${issues || `<li class="text-muted">${__("None")}</li>`}</ul>
			</div>`;
	} else {
		body = `<div class="incoming-call-card"><h4 class="incoming-unknown">${__("Unknown caller")}</h4>
			<div class="text-muted mb-2">${e(card.number)}${who ? " · " + who : ""}</div></div>`;
	}
	const dialog = new frappe.ui.Dialog({ title: __("Incoming call"), fields: [{ fieldtype: "HTML", fieldname: "card" }] });
	dialog.fields_dict.card.$wrapper.html(body);
	if (!p && !card.contact) {
		dialog.set_primary_action(__("Add as Contact"), () => {
			dialog.hide();
			referral_crm.telephony.add_caller(card);
		});
	} else if (p) {
		dialog.set_primary_action(__("Open Practice"), () => {
			dialog.hide();
			frappe.set_route("Form", "Practice", p.name);
		});
	}
	dialog.show();
	referral_crm.telephony.last_incoming = dialog;
};

referral_crm.telephony.add_caller = function (card) {
	const dialog = new frappe.ui.Dialog({
		title: __("New contact for {0}", [card.number]),
		fields: [
			{ fieldtype: "Data", fieldname: "first_name", label: __("First Name"), reqd: 1 },
			{ fieldtype: "Data", fieldname: "last_name", label: __("Last Name") },
			{ fieldtype: "Link", fieldname: "practice", label: __("Practice"), options: "Practice" },
		],
		primary_action_label: __("Save"),
		primary_action: (values) =>
			frappe
				.call({ method: "referral_crm.outreach.telephony.create_contact_from_call", args: { call: card.call, ...values } })
				.then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("Contact {0} added", [r.message]), indicator: "green" });
				}),
	});
	dialog.show();
};
