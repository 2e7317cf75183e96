"""The liaison's day, built by itself: today's work list, follow-ups due, meetings booked and what was
left yesterday, one stop per office, ordered by the route planner. What does not fit rolls to tomorrow
with its reason kept on the plan."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_time, getdate, today

from referral_crm.core.field.my_day import (
	CARRIED_OVER,
	FOLLOW_UP,
	MAX_STOPS,
	MEETING,
	WORK_LIST,
	Candidate,
	choose_stops,
	past_day_end,
)
from referral_crm.core.field.routing import parse_clock
from referral_crm.core.referral_sources.geocode import is_valid_point
from referral_crm.core.referral_sources.stages import LIAISON

DAY_ENDS = 17 * 60 + 30  # arriving after half past five is tomorrow's work
MEETING_OUTCOME = "Meeting Scheduled"


def _work_list(user: str, day) -> list[Candidate]:
	lists = frappe.get_all(
		"Outreach Work List", filters={"user": user, "work_date": day}, pluck="name", limit=1
	)
	if not lists:
		return []
	return [
		Candidate(row.practice, WORK_LIST, row.reason or "")
		for row in frappe.get_all(
			"Outreach Work List Item",
			filters={"parent": lists[0], "parenttype": "Outreach Work List", "channel": "Visit", "done": 0},
			fields=["practice", "reason"],
		)
	]


def _follow_ups(user: str, day) -> list[Candidate]:
	"""The person's open follow-ups due by today (a meeting they booked for today is a meeting)."""
	todos = frappe.get_all(
		"ToDo",
		filters={"allocated_to": user, "status": "Open", "reference_type": "Visit", "date": ("<=", day)},
		fields=["reference_name", "date"],
	)
	visits = {
		v.name: v
		for v in frappe.get_all(
			"Visit",
			filters={"name": ("in", [t.reference_name for t in todos] or [""])},
			fields=["name", "practice", "outcome", "next_step"],
		)
	}
	out = []
	for todo in todos:
		visit = visits.get(todo.reference_name)
		if not visit or (visit.outcome == MEETING_OUTCOME and getdate(todo.date) == day):
			continue  # today's meetings come from _meetings, with their times
		due = _("due {0}").format(frappe.format(todo.date, "Date"))
		out.append(Candidate(visit.practice, FOLLOW_UP, f"{visit.next_step or _('Follow up')} ({due})"))
	return out


def _meetings(user: str, day) -> list[Candidate]:
	"""Meetings booked for today at the liaison's offices, by whoever booked them (often the setter)."""
	practice, visit = DocType("Practice"), DocType("Visit")
	rows = (
		frappe.qb.from_(visit)
		.join(practice)
		.on(practice.name == visit.practice)
		.select(visit.practice, visit.next_step, visit.meeting_time)
		.where(visit.outcome == MEETING_OUTCOME)
		.where(visit.follow_up_date == day)
		.where((practice.liaison == user) | (visit.user == user))
	).run(as_dict=True)
	return [
		Candidate(
			row.practice,
			MEETING,
			row.next_step or _("Meeting booked"),
			appointment_time=get_time(row.meeting_time).strftime("%H:%M") if row.meeting_time else None,
		)
		for row in rows
	]


def _left_over(user: str, day) -> list[Candidate]:
	"""The last plan before today: stops not visited that day, and what it had rolled to the next day."""
	last = frappe.get_all(
		"Route Plan",
		filters={"user": user, "route_date": ("<", day)},
		fields=["name", "route_date", "rolled_over"],
		order_by="route_date desc",
		limit=1,
	)
	if not last:
		return []
	plan = last[0]
	stops = frappe.get_all(
		"Route Plan Stop", filters={"parent": plan.name, "parenttype": "Route Plan"}, pluck="practice"
	)
	visited = set(
		frappe.get_all(
			"Visit",
			filters={
				"user": user,
				"practice": ("in", stops or [""]),
				"visit_datetime": (">=", plan.route_date),
			},
			pluck="practice",
		)
	)
	since = frappe.format(plan.route_date, "Date")
	out = [
		Candidate(p, CARRIED_OVER, _("not reached on {0}").format(since)) for p in stops if p not in visited
	]
	for line in (plan.rolled_over or "").splitlines():
		practice, _sep, reason = line.partition(": ")
		if practice.strip():
			out.append(Candidate(practice.strip(), CARRIED_OVER, reason.strip()))
	return out


def candidates_for(user: str, day) -> list[Candidate]:
	return [*_meetings(user, day), *_follow_ups(user, day), *_left_over(user, day), *_work_list(user, day)]


def _start_of(user: str, day) -> dict:
	"""Where the liaison's days begin: as on their last plan (else the first office)."""
	last = frappe.get_all(
		"Route Plan",
		filters={"user": user, "route_date": ("<", day)},
		fields=["start_zip", "start_latitude", "start_longitude", "start_time", "return_to_start"],
		order_by="route_date desc",
		limit=1,
	)
	return dict(last[0]) if last else {}


def _plan_stops(doc, chosen: list[Candidate], rolled: list[tuple[str, str]]) -> None:
	"""Put the chosen offices on the plan and order them; offices with no place on the map, or reached
	after the day ends, move to `rolled` with why."""
	places = {
		p.name: p
		for p in frappe.get_all(
			"Practice",
			filters={"name": ("in", [c.practice for c in chosen] or [""])},
			fields=["name", "latitude", "longitude", "account_stage"],
		)
	}
	kept = []
	for c in chosen:
		place = places.get(c.practice)
		if not place or place.account_stage == "Do Not Contact":
			continue
		if not is_valid_point(place.latitude, place.longitude):
			rolled.append((c.practice, _("no place on the map yet")))
			continue
		kept.append(c)
	doc.set(
		"stops",
		[
			{
				"practice": c.practice,
				"reason": f"{_(c.reason)}: {c.detail}" if c.detail else _(c.reason),
				"appointment_time": c.appointment_time,
			}
			for c in kept
		],
	)
	if not kept:
		return
	doc.plan()
	fixed = {c.practice for c in kept if c.reason == MEETING}
	late = past_day_end([(row.practice, parse_clock(row.arrival) or 0) for row in doc.stops], fixed, DAY_ENDS)
	if late:
		rolled += [(p, _("would arrive after the day ends")) for p in late]
		doc.set("stops", [row for row in doc.stops if row.practice not in late])
		if doc.stops:
			doc.plan()


def build_my_day(user: str, day=None) -> str | None:
	"""Today's route for the liaison, made once from what is due; the plan already made is kept."""
	day = getdate(day or today())
	if existing := frappe.db.get_value("Route Plan", {"user": user, "route_date": day}, "name"):
		return existing
	chosen, extra = choose_stops(candidates_for(user, day), MAX_STOPS)
	if not chosen:
		return None
	rolled = [(c.practice, _("more than {0} stops today").format(MAX_STOPS)) for c in extra]
	doc = frappe.get_doc({"doctype": "Route Plan", "user": user, "route_date": day, **_start_of(user, day)})
	doc.start_time = doc.start_time or "08:30"
	_plan_stops(doc, chosen, rolled)
	if not doc.stops:
		return None
	doc.rolled_over = "\n".join(f"{practice}: {reason}" for practice, reason in rolled)
	doc.flags.ignore_permissions = True  # the morning job plans each liaison's own day
	doc.insert()
	if doc.owner != user:  # the liaison's own plan, theirs to re-plan and edit
		frappe.db.set_value("Route Plan", doc.name, "owner", user, update_modified=False)
	return doc.name


def build_my_days(day=None) -> dict[str, str]:
	"""Daily, after the work lists: a route for every liaison who has something due."""
	day = getdate(day or today())
	users = frappe.get_all(
		"Has Role", filters={"role": LIAISON, "parenttype": "User"}, pluck="parent", distinct=True
	)
	enabled = frappe.get_all("User", filters={"name": ("in", users or [""]), "enabled": 1}, pluck="name")
	made = {}
	for user in enabled:
		try:
			if name := build_my_day(user, day):
				made[user] = name
		except frappe.ValidationError:
			frappe.log_error(title=_("My Day could not be planned for {0}").format(user))
	return made


@frappe.whitelist(methods=["POST"])
def replan_my_day() -> dict:
	"""Something changed: plan the rest of today again from what is due now, offices visited today off."""
	user, day = frappe.session.user, getdate(today())
	name = frappe.db.get_value("Route Plan", {"user": user, "route_date": day}, "name")
	if not name:
		return {"plan": build_my_day(user, day) if frappe.has_permission("Route Plan", "create") else None}
	doc = frappe.get_doc("Route Plan", name)
	doc.check_permission("write")
	visited = set(
		frappe.get_list(
			"Visit",
			filters={"user": user, "visit_datetime": (">=", day)},
			pluck="practice",
			limit_page_length=0,
		)
	)
	still = [
		Candidate(row.practice, CARRIED_OVER, row.reason or "")
		for row in doc.stops
		if row.practice not in visited
	]
	fresh = [c for c in candidates_for(user, day) if c.practice not in visited and c.reason != CARRIED_OVER]
	chosen, extra = choose_stops([*fresh, *still], MAX_STOPS)
	rolled = [(c.practice, _("more than {0} stops today").format(MAX_STOPS)) for c in extra]
	_plan_stops(doc, chosen, rolled)
	if not doc.stops:
		return {"plan": doc.name, "stops": 0, "rolled": len(rolled)}
	doc.rolled_over = "\n".join(f"{practice}: {reason}" for practice, reason in rolled)
	doc.save()
	return {"plan": doc.name, "stops": len(doc.stops), "rolled": len(rolled)}
