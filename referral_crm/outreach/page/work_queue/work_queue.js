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
		const tel = (n) => (n ? `<a class="queue-dial" href="tel:${e(n.dial)}">${e(n.display)}</a>` : "");
		const people = [
			...card.providers.map((x) => `<li>${e(x.provider_name)} <span class="text-muted">${e(x.specialty || "")}</span> ${tel(x.phone)}</li>`),
			...card.contacts.map((x) => `<li>${e(x.full_name || x.name)} <span class="text-muted">${e(x.designation || "")}</span> ${tel(x.phone)}</li>`),
		];
		const touches = card.touches.map(
			(t) => `<li>${frappe.datetime.str_to_user(t.visit_datetime)} · ${__(t.channel)} · ${__(t.outcome)}${t.remarks ? ` · ${e(t.remarks)}` : ""}</li>`
		);
		const tasks = card.tasks.map((t) => `<li>${t.date ? frappe.datetime.str_to_user(t.date) + " · " : ""}${e($("<div>").html(t.description).text())}</li>`);
		const outcomes = card.outcomes
			.map((o) => `<button type="button" class="btn btn-default btn-sm queue-outcome" data-outcome="${e(o)}">${__(o)}</button>`)
			.join(" ");
		this.$body.html(`
			<div class="queue-progress text-muted mb-2">${__("Office {0} of {1}", [card.position, card.total])}${card.wrapped ? " · " + __("started again from the top") : ""}</div>
			<div class="row">
				<div class="col-md-7">
					<h3 class="queue-practice"><a href="/app/practice/${encodeURIComponent(p.name)}">${e(p.practice_name)}</a>
						<span class="indicator-pill gray">${__(p.stage)}</span></h3>
					<div class="mb-2">${e(p.address)}</div>
					<div class="mb-2 queue-numbers">${p.phone ? __("Phone") + " " + tel(p.phone) : ""} ${p.fax ? " · " + __("Fax") + " " + e(p.fax.display) : ""} ${p.email ? " · " + e(p.email) : ""}</div>
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
			$b.find(".queue-log").prop("disabled", false);
		});
		$b.find(".queue-log").on("click", () => this.act("referral_crm.outreach.queue.log_outcome", {
			outcome: this.outcome,
			remarks: $b.find(".queue-remarks").val(),
			next_step: $b.find(".queue-next-step").val(),
			follow_up_date: $b.find(".queue-follow-up").val(),
		}));
		$b.find(".queue-skip").on("click", () => this.act("referral_crm.outreach.queue.skip_office", {}));
		this.outcome = null;
	}

	act(method, args) {
		frappe
			.call({ method, args: { queue: this.queue, practice: this.card.practice.name, ...args }, freeze: true })
			.then((r) => {
				if (method.endsWith("log_outcome")) {
					frappe.show_alert({ message: __("Logged: {0}", [this.card.practice.practice_name]), indicator: "green" });
				}
				this.render(r.message);
			});
	}
}
