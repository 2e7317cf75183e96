// Start my day: the next action first, for each role the user holds. Rendered inside the workspace's
// custom block (root_element is its shadow root); every item opens where its action is.
const box = root_element.querySelector(".start-my-day");
const esc = frappe.utils.escape_html;
const SHOWN = 7;

function open_item(item) {
	if (item.start_calling) {
		frappe
			.call({ method: "referral_crm.outreach.queue.start_todays_calls", freeze: true })
			.then((r) => frappe.set_route("work-queue", r.message));
		return;
	}
	if (item.route_options) frappe.route_options = item.route_options;
	frappe.set_route(...item.route);
}

function late(item) {
	return item.overdue_days ? `<span class="smd-late">${esc(__("{0} days late", [item.overdue_days]))}</span>` : "";
}

function render(sections) {
	if (!sections.length) {
		box.innerHTML = "";
		return;
	}
	box.innerHTML = sections
		.map((section, s) => {
			if (!section.items.length) {
				return `<div class="smd-section"><div class="smd-title">${esc(section.title)}</div>
					<div class="text-muted">${esc(__("Nothing due. Well done."))}</div></div>`;
			}
			const [next, ...rest] = section.items;
			const rows = rest
				.map(
					(item, i) => `<div class="smd-row" data-s="${s}" data-i="${i + 1}" ${i >= SHOWN ? 'style="display:none"' : ""}>
						<div><div>${esc(item.title)}</div><div class="smd-detail">${esc(item.detail || "")}</div></div>${late(item)}</div>`
				)
				.join("");
			const more = rest.length > SHOWN ? `<div class="smd-more" data-s="${s}">${esc(__("{0} more", [rest.length - SHOWN]))}</div>` : "";
			return `<div class="smd-section"><div class="smd-title">${esc(section.title)}</div>
				<div class="smd-next" data-s="${s}" data-i="0">
					<div><div class="text-muted small">${esc(__("Next"))}</div><div class="smd-item-title">${esc(next.title)}</div>
					<div class="smd-detail">${esc(next.detail || "")}</div></div>
					<div>${late(next)} <button class="btn btn-primary btn-sm smd-go" data-s="${s}" data-i="0">${esc(next.action || __("Open"))}</button></div>
				</div><div class="smd-rest">${rows}${more}</div></div>`;
		})
		.join("");
	box.querySelectorAll(".smd-go, .smd-row").forEach((el) =>
		el.addEventListener("click", (ev) => {
			ev.stopPropagation();
			open_item(sections[el.dataset.s].items[el.dataset.i]);
		})
	);
	box.querySelectorAll(".smd-more").forEach((el) =>
		el.addEventListener("click", () => {
			el.parentElement.querySelectorAll(".smd-row").forEach((row) => (row.style.display = ""));
			el.remove();
		})
	);
}

frappe
	.call({ method: "referral_crm.referral_intelligence.duties.get_my_duties", type: "GET" })
	.then((r) => render(r.message || []));
