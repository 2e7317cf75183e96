// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

// The liaison's day on a phone: today's stops in route order, each with one-tap call, directions
// and "Check in". Checking in reads the phone's location once (never in the background) and opens
// a short form; the last choices are remembered. A visit saved without signal waits on the phone
// and is sent when the signal is back: the server saves each client id once, so nothing doubles.
const PENDING_KEY = "referral_crm_pending_visits";
const LAST_KEY = "referral_crm_last_visit_choices";

frappe.pages["my-day"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("My Day"), single_column: true });
	wrapper.my_day = new MyDay(page);
	window.addEventListener("online", () => wrapper.my_day.send_pending());
};

frappe.pages["my-day"].on_page_show = function (wrapper) {
	wrapper.my_day.load();
};

class MyDay {
	constructor(page) {
		this.page = page;
		this.$body = $('<div class="my-day"></div>').appendTo(page.main);
	}

	pending() {
		return JSON.parse(localStorage.getItem(PENDING_KEY) || "[]");
	}

	load() {
		this.send_pending();
		frappe.call({ method: "referral_crm.field.today.get_today", type: "GET" }).then((r) => this.render(r.message));
	}

	render(day) {
		const e = frappe.utils.escape_html;
		this.day = day;
		const waiting = this.pending().length;
		const note = `<p class="text-muted small">${__("Your location is read only when you check in, never in the background.")}${
			waiting ? " " + __("{0} visits waiting for signal.", [waiting]) : ""
		}</p>`;
		const rolled = day.rolled.length
			? `<details class="text-muted small mb-3"><summary>${__("{0} offices roll to tomorrow", [day.rolled.length])}</summary>${day.rolled
					.map((line) => `<div>${e(line)}</div>`)
					.join("")}</details>`
			: "";
		if (!day.stops.length) {
			this.$body.html(`${note}<p>${__("Nothing is due for a visit today: no work-list visits, follow-ups or meetings.")}</p>${rolled}`);
			return;
		}
		this.page.set_secondary_action(__("Re-plan"), () =>
			frappe.call({ method: "referral_crm.field.my_day.replan_my_day", freeze: true }).then(() => this.load())
		);
		const next = day.stops.findIndex((s) => !s.done);
		const cards = day.stops.map(
			(s, i) => `<div class="frappe-card p-3 mb-3 my-day-stop" data-index="${i}">
				<div class="d-flex justify-content-between"><b>${i + 1}. ${e(s.practice_name)}</b>${s.done ? `<span class="indicator-pill green">${__("Done")}</span>` : i === next ? `<span class="indicator-pill blue">${__("Next")}</span>` : ""}</div>
				${s.reason ? `<div class="small my-day-reason">${e(s.reason)}</div>` : ""}
				<div class="text-muted small mb-2">${e(s.address)}</div>
				<div class="d-flex" style="gap: 8px">
					${s.dial ? `<a class="btn btn-default btn-sm" href="tel:${e(s.dial)}">${__("Call")}</a>` : ""}
					${s.directions ? `<a class="btn btn-default btn-sm" href="${encodeURI(s.directions)}" target="_blank" rel="noopener">${__("Directions")}</a>` : ""}
					<button class="btn btn-primary btn-sm my-day-checkin">${__("Check In")}</button>
				</div>
				<div class="my-day-form mt-3" style="display:none"></div>
			</div>`
		);
		this.$body.html(note + cards.join("") + rolled);
		if (next > 0) this.$body.find(".my-day-stop").get(next).scrollIntoView({ block: "start" });
		this.$body.find(".my-day-checkin").on("click", (ev) => this.check_in($(ev.currentTarget).closest(".my-day-stop")));
	}

	check_in($card) {
		const stop = this.day.stops[$card.data("index")];
		const visit = { practice: stop.practice, client_id: frappe.utils.get_random(20), checked_in_at: frappe.datetime.now_datetime() };
		const show = () => this.show_form($card, stop, visit);
		if (!navigator.geolocation) return show();
		navigator.geolocation.getCurrentPosition(
			(pos) => {
				visit.checkin_latitude = pos.coords.latitude;
				visit.checkin_longitude = pos.coords.longitude;
				show();
			},
			() => show(),
			{ enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
		);
	}

	show_form($card, stop, visit) {
		const e = frappe.utils.escape_html;
		const last = JSON.parse(localStorage.getItem(LAST_KEY) || "{}");
		const outcomes = this.day.outcomes
			.map((o) => `<button type="button" class="btn btn-sm ${o === last.outcome ? "btn-primary" : "btn-default"} my-day-outcome mb-1" data-outcome="${e(o)}">${__(o)}</button>`)
			.join(" ");
		const people = stop.providers
			.map((p) => `<label class="d-block"><input type="checkbox" class="my-day-met" value="${e(p.name)}"> ${e(p.provider_name)}</label>`)
			.join("");
		const $form = $card.find(".my-day-form").html(`
			<div class="small text-muted mb-2">${visit.checkin_latitude ? __("Checked in here.") : __("Checked in without a location.")}</div>
			<div class="mb-2">${outcomes}</div>
			${people ? `<div class="mb-2">${people}</div>` : ""}
			<textarea class="form-control mb-2 my-day-remarks" rows="2" placeholder="${__("Remarks, materials left")}"></textarea>
			<input class="form-control mb-2 my-day-next" placeholder="${__("Next step")}" value="${e(last.next_step || "")}">
			<input class="form-control mb-2 my-day-follow-up" type="date">
			<button class="btn btn-primary btn-block my-day-save">${__("Save Visit")}</button>`).show();
		visit.outcome = last.outcome;
		$form.find(".my-day-outcome").on("click", (ev) => {
			$form.find(".my-day-outcome").removeClass("btn-primary").addClass("btn-default");
			$(ev.currentTarget).addClass("btn-primary").removeClass("btn-default");
			visit.outcome = ev.currentTarget.dataset.outcome;
		});
		$form.find(".my-day-save").on("click", () => {
			if (!visit.outcome) return frappe.show_alert({ message: __("Choose what happened."), indicator: "orange" });
			Object.assign(visit, {
				remarks: $form.find(".my-day-remarks").val(),
				next_step: $form.find(".my-day-next").val(),
				follow_up_date: $form.find(".my-day-follow-up").val(),
				providers_met: JSON.stringify($form.find(".my-day-met:checked").map((i, el) => el.value).get()),
			});
			localStorage.setItem(LAST_KEY, JSON.stringify({ outcome: visit.outcome, next_step: visit.next_step }));
			localStorage.setItem(PENDING_KEY, JSON.stringify([...this.pending(), visit]));
			this.send_pending().then(() => this.load());
		});
	}

	send_pending() {
		const pending = this.pending();
		if (!pending.length || !navigator.onLine) return Promise.resolve();
		return pending.reduce(
			(chain, visit) =>
				chain.then(() =>
					frappe
						.call({ method: "referral_crm.field.today.log_field_visit", args: visit, freeze: false })
						.then((r) => {
							const left = this.pending().filter((v) => v.client_id !== visit.client_id);
							localStorage.setItem(PENDING_KEY, JSON.stringify(left));
							frappe.show_alert({
								message: r.message.verified ? __("Visit saved, check-in verified.") : __("Visit saved."),
								indicator: "green",
							});
						})
						.catch(() => null)
				),
			Promise.resolve()
		);
	}
}
