// Copyright (c) 2026, referral_crm contributors
// For license information, please see license.txt

// One office at a time: who to talk to, what happened last, then a compact form to log the
// outcome and go on to the next office. The queue remembers where each person stopped.
frappe.pages["work-queue"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Work a Queue"), single_column: true });
	wrapper.queue_view = new OutreachQueueView(page);
};

frappe.pages["work-queue"].on_page_show = function (wrapper) {
	wrapper.queue_view.show(frappe.get_route()[1]);
};

class OutreachQueueView {
	constructor(page) {
		this.page = page;
		this.$body = $('<div class="outreach-queue"></div>').appendTo(page.main);
		this.queue_field = page.add_field({
			fieldname: "queue",
			label: __("Queue"),
			fieldtype: "Link",
			options: "Outreach Queue",
			change: () => {
				const queue = this.queue_field.get_value();
				if (queue && queue !== this.queue) frappe.set_route("work-queue", queue);
			},
		});
		this.dialer = { active: false };
		$(document).on("referral_crm_call", (event, state) => this.on_call(state));
	}

	show(queue) {
		this.queue = queue;
		if (!queue) {
			this.$body.html(`<p class="text-muted">${__("Choose a queue to work.")}</p>`);
			return;
		}
		this.queue_field.set_value(queue);
		frappe
			.call({ method: "referral_crm.outreach.queue.get_current_office", args: { queue }, type: "GET" })
			.then((r) => this.render(r.message));
	}

	render(card) {
		const e = frappe.utils.escape_html;
		if (card.empty) {
			this.$body.html(`<p class="text-muted">${__("No office you can see matches this queue.")}</p>`);
			return;
		}
		this.card = card;
		const p = card.practice;
		const tel = (n, doctype, name) =>
			n
				? `<a class="queue-dial" href="tel:${e(n.dial)}" data-call-doctype="${e(doctype)}" data-call-name="${e(name)}">${e(n.display)}</a>`
				: "";
		const people = [
			...card.providers.map((x) => `<li>${e(x.provider_name)} <span class="text-muted">${e(x.specialty || "")}</span> ${tel(x.phone, "Provider", x.name)}</li>`),
			...card.contacts.map((x) => `<li>${e(x.full_name || x.name)} <span class="text-muted">${e(x.designation || "")}</span> ${tel(x.phone, "Contact", x.name)}</li>`),
		];
		const touches = card.touches.map(
			(t) => `<li>${frappe.datetime.str_to_user(t.visit_datetime)} · ${__(t.channel)} · ${__(t.outcome)}${t.remarks ? ` · ${e(t.remarks)}` : ""}</li>`
		);
		const tasks = card.tasks.map((t) => `<li>${t.date ? frappe.datetime.str_to_user(t.date) + " · " : ""}${e($("<div>").html(t.description).text())}</li>`);
		const outcomes = card.outcomes
			.map((o) => `<button type="button" class="btn btn-default btn-sm queue-outcome" data-outcome="${e(o)}">${__(o)}</button>`)
			.join(" ");
		const can_dial = card.action === "Call" && referral_crm.telephony && referral_crm.telephony.enabled();
		const dialer = can_dial
			? `<div class="queue-dialer frappe-card p-2 mb-3">
				<button class="btn btn-primary btn-sm dialer-start ${this.dialer.active ? "hidden" : ""}">${__("Start calling")}</button>
				<button class="btn btn-default btn-sm dialer-stop ${this.dialer.active ? "" : "hidden"}">${__("Stop calling")}</button>
				<span class="dialer-status ml-2 text-muted">${e(this.dialer.message || "")}</span>
			</div>`
			: "";
		this.$body.html(`${dialer}
			<div class="queue-progress text-muted mb-2">${__("Office {0} of {1}", [card.position, card.total])}${card.wrapped ? " · " + __("started again from the top") : ""}</div>
			<div class="row">
				<div class="col-md-7">
					<h3 class="queue-practice"><a href="/app/practice/${encodeURIComponent(p.name)}">${e(p.practice_name)}</a>
						<span class="indicator-pill gray">${__(p.stage)}</span></h3>
					<div class="mb-2">${e(p.address)}</div>
					<div class="mb-2 queue-numbers">${p.phone ? __("Phone") + " " + tel(p.phone, "Practice", p.name) : ""} ${p.fax ? " · " + __("Fax") + " " + e(p.fax.display) : ""} ${p.email ? " · " + e(p.email) : ""}</div>
					${card.description ? `<div class="alert alert-info py-2">${e(card.description)}</div>` : ""}
					<h5>${__("People")}</h5><ul>${people.join("") || `<li class="text-muted">${__("None recorded")}</li>`}</ul>
					<h5>${__("Last touches")}</h5><ul>${touches.join("") || `<li class="text-muted">${__("Never contacted")}</li>`}</ul>
					<h5>${__("Open tasks")}</h5><ul>${tasks.join("") || `<li class="text-muted">${__("None")}</li>`}</ul>
				</div>
				<div class="col-md-5">
					<div class="frappe-card p-3">
						<h5>${__("What happened?")}</h5>
						<div class="queue-outcomes mb-3">${outcomes}</div>
						<textarea class="form-control mb-2 queue-remarks" rows="3" placeholder="${__("Remarks")}"></textarea>
						<input class="form-control mb-2 queue-next-step" placeholder="${__("Next step")}">
						<input class="form-control mb-3 queue-follow-up" type="date" title="${__("Follow-up date")}">
						<input class="form-control mb-3 queue-meeting-time" type="time" title="${__("Meeting at")}" style="display:none">
						<button class="btn btn-primary btn-sm queue-log" disabled>${__("Log and Next")}</button>
						<button class="btn btn-default btn-sm queue-skip">${__("Skip")}</button>
					</div>
				</div>
			</div>`);
		this.bind();
	}

	bind() {
		const $b = this.$body;
		$b.find(".queue-outcome").on("click", (ev) => {
			$b.find(".queue-outcome").removeClass("btn-primary").addClass("btn-default");
			$(ev.currentTarget).removeClass("btn-default").addClass("btn-primary");
			this.outcome = ev.currentTarget.dataset.outcome;
			$b.find(".queue-meeting-time").toggle(this.outcome === "Meeting Scheduled");
			$b.find(".queue-log").prop("disabled", false);
		});
		$b.find(".queue-log").on("click", () => this.act("referral_crm.outreach.queue.log_outcome", {
			outcome: this.outcome,
			remarks: $b.find(".queue-remarks").val(),
			next_step: $b.find(".queue-next-step").val(),
			follow_up_date: $b.find(".queue-follow-up").val(),
			meeting_time: this.outcome === "Meeting Scheduled" ? $b.find(".queue-meeting-time").val() : "",
		}));
		$b.find(".queue-skip").on("click", () => this.act("referral_crm.outreach.queue.skip_office", {}));
		$b.find(".dialer-start").on("click", () => this.start_dialer());
		$b.find(".dialer-stop").on("click", () => this.stop_dialer());
		this.outcome = null;
	}

	// The power dialer: the user's phone joins a room once; each office is dialled into it in turn.
	// Machines, busy lines, no answers and wrong numbers are logged by the server from the call's status;
	// the person adds the remark, next step and follow-up, and "Log and Next" dials the next office.
	dialer_status(message) {
		this.dialer.message = message;
		this.$body.find(".dialer-status").text(message);
	}

	start_dialer() {
		frappe
			.call({ method: "referral_crm.outreach.telephony.start_dialer", args: { queue: this.queue }, freeze: true })
			.then((r) => {
				this.dialer = { active: true, session: r.message.session };
				this.$body.find(".dialer-start").addClass("hidden");
				this.$body.find(".dialer-stop").removeClass("hidden");
				if (r.message.session_status === "In Progress") this.dial_next();
				else this.dialer_status(__("Answer your phone: the first office is dialled when you pick up."));
				this.poll();
			});
	}

	stop_dialer() {
		clearTimeout(this.dialer.timer);
		this.dialer = { active: false };
		frappe.call({ method: "referral_crm.outreach.telephony.stop_dialer", args: { queue: this.queue } }).then(() => {
			this.$body.find(".dialer-stop").addClass("hidden");
			this.$body.find(".dialer-start").removeClass("hidden");
			this.dialer_status(__("Stopped."));
		});
	}

	dial_next() {
		if (!this.dialer.active) return;
		frappe
			.call({ method: "referral_crm.outreach.telephony.dial_next", args: { queue: this.queue } })
			.then((r) => {
				const m = r.message;
				if (m.card) this.render(m.card);
				if (m.capacity_used_up || m.done) {
					this.dialer.active = false;
					this.$body.find(".dialer-stop").addClass("hidden");
					this.$body.find(".dialer-start").removeClass("hidden");
					this.dialer_status(m.capacity_used_up ? m.message : __("No more offices to call in this queue."));
					return;
				}
				this.call = m.call;
				this.dialer_status(__("Calling {0}…", [this.card.practice.practice_name]));
			});
	}

	// Realtime first; a poll every few seconds in case the socket is down.
	poll() {
		clearTimeout(this.dialer.timer);
		if (!this.dialer.active) return;
		this.dialer.timer = setTimeout(() => {
			const method = "referral_crm.outreach.telephony.get_dialer_state";
			frappe.call({ method, args: { queue: this.queue }, type: "GET" }).then((r) => {
				const s = r.message;
				if (!this.dialer.waiting_for_office && s.active && s.session_status === "In Progress" && !this.call && !s.office_call) {
					this.dial_next();
				}
				if (this.call) {
					frappe
						.call({ method: "referral_crm.outreach.telephony.get_call", args: { call: this.call }, type: "GET" })
						.then((c) => this.on_call(c.message));
				}
				this.poll();
			});
		}, 4000);
	}

	on_call(state) {
		if (!this.dialer.active || !state) return;
		if (state.mode === "Dialer Agent" && state.status === "In Progress" && !this.call) {
			this.dial_next();
			return;
		}
		if (state.call !== this.call) return;
		if (state.disposition && state.disposition !== this.shown_disposition) {
			this.shown_disposition = state.disposition;
			const outcome = state.outcome;
			const $button = this.$body.find(`.queue-outcome[data-outcome="${outcome}"]`);
			if ($button.length && state.disposition !== "Answered") $button.trigger("click");
			this.dialer_status(
				state.disposition === "Answered"
					? __("Call ended. Choose what happened, add a remark, then Log and Next.")
					: __("{0}: logged. Add a remark if needed, then Log and Next.", [__(state.disposition)])
			);
		} else if (!state.disposition && state.status === "In Progress") {
			this.dialer_status(__("Connected to {0}.", [this.card.practice.practice_name]));
		}
	}

	act(method, args) {
		if (this.call && method.endsWith("log_outcome")) args.call = this.call;
		frappe
			.call({ method, args: { queue: this.queue, practice: this.card.practice.name, ...args }, freeze: true })
			.then((r) => {
				if (method.endsWith("log_outcome")) {
					frappe.show_alert({ message: __("Logged: {0}", [this.card.practice.practice_name]), indicator: "green" });
				}
				this.call = null;
				this.shown_disposition = null;
				this.render(r.message);
				if (this.dialer.active) this.dial_next();
			});
	}
}
