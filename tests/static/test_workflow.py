from collections import deque

from .metadata import (
	FRAPPE_ROLES,
	FRAPPE_WORKFLOW_ACTIONS,
	FRAPPE_WORKFLOW_STATES,
	app_roles,
	doctypes,
	fields,
	fixture,
)


def workflow():
	(lifecycle,) = (w for w in fixture("workflow") if w["name"] == "Referral Lifecycle")
	return lifecycle


def test_workflow_governs_the_referral_status():
	wf = workflow()
	assert wf["document_type"] in doctypes()
	state_field = fields(wf["document_type"])[wf["workflow_state_field"]]
	assert state_field["fieldtype"] == "Select"
	options = set(state_field["options"].split("\n"))
	assert {s["state"] for s in wf["states"]} == options, "workflow states and the status options differ"
	assert wf["states"][0]["state"] == state_field["default"] == "Received"


def test_states_and_actions_exist_as_records():
	wf = workflow()
	states = {r["name"] for r in fixture("workflow_state")} | FRAPPE_WORKFLOW_STATES
	actions = {r["name"] for r in fixture("workflow_action_master")} | FRAPPE_WORKFLOW_ACTIONS
	declared = {s["state"] for s in wf["states"]}
	for state in declared:
		assert state in states, f"state {state} has no Workflow State record"
	for t in wf["transitions"]:
		assert t["state"] in declared and t["next_state"] in declared, t
		assert t["action"] in actions, f"action {t['action']} has no Workflow Action Master record"


def test_roles_in_workflow_exist_and_can_write_referrals():
	wf = workflow()
	known = app_roles() | FRAPPE_ROLES
	writers = {
		p["role"] for p in doctypes()["Referral"]["permissions"] if p.get("write") and not p.get("permlevel")
	}
	for role in [s["allow_edit"] for s in wf["states"]] + [t["allowed"] for t in wf["transitions"]]:
		assert role in known, f"unknown role {role}"
		assert role in writers, f"{role} acts in the workflow but cannot write a Referral"


def test_every_state_is_reachable_and_the_happy_path_runs_in_order():
	wf = workflow()
	edges = {}
	for t in wf["transitions"]:
		edges.setdefault(t["state"], set()).add(t["next_state"])
	seen, queue = {"Received"}, deque(["Received"])
	while queue:
		for nxt in edges.get(queue.popleft(), ()):
			if nxt not in seen:
				seen.add(nxt)
				queue.append(nxt)
	assert seen == {s["state"] for s in wf["states"]}
	path = ["Received", "In Review", "Accepted", "Scheduled", "Admitted", "Discharged"]
	for here, there in zip(path, path[1:], strict=False):
		assert there in edges[here], f"{here} -> {there} is missing"


def test_open_referrals_can_end_not_admitted_or_cancelled_but_closed_ones_cannot():
	wf = workflow()
	for state in ("Received", "In Review", "Accepted", "Scheduled"):
		targets = {t["next_state"] for t in wf["transitions"] if t["state"] == state}
		assert {"Not Admitted", "Cancelled"} <= targets, state
	for state in ("Discharged", "Not Admitted", "Cancelled"):
		assert not [t for t in wf["transitions"] if t["state"] == state], f"{state} is final"


def test_transitions_go_only_to_the_roles_that_do_that_job():
	wf = workflow()
	by_action = {}
	for t in wf["transitions"]:
		by_action.setdefault(t["action"], set()).add(t["allowed"])
	for roles in by_action.values():
		assert not roles & {"Physician Liaison", "Appointment Setter", "Referral Analyst"}
	assert "Referral Coordinator" not in by_action["Admit"]
	assert "Intake Coordinator" not in by_action["Discharge"]


def test_core_lifecycle_matches_the_referral_doctype_and_workflow():
	from referral_crm.core.referrals.referral import (
		NON_ADMIT_REASONS,
		STATUS_TIMESTAMP_FIELDS,
		STATUSES,
		WORKFLOW,
		WORKFLOW_ACTIONS,
	)

	referral = fields("Referral")
	assert tuple(referral["status"]["options"].split("\n")) == STATUSES
	assert tuple(referral["non_admit_reason"]["options"].split("\n")[1:]) == NON_ADMIT_REASONS
	for fieldnames in STATUS_TIMESTAMP_FIELDS.values():
		for fieldname in fieldnames:
			assert referral[fieldname]["fieldtype"] == "Datetime"
	assert workflow()["name"] == WORKFLOW
	assert tuple(r["name"] for r in fixture("workflow_state")) == STATUSES
	assert tuple(r["name"] for r in fixture("workflow_action_master")) == WORKFLOW_ACTIONS
