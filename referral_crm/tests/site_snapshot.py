"""What a site holds of this app, written to a file before a `bench migrate` and compared after it.

	bench --site SITE execute referral_crm.tests.site_snapshot.write --kwargs "{'path': '/tmp/before.json'}"
	bench --site SITE migrate
	bench --site SITE execute referral_crm.tests.site_snapshot.compare --kwargs "{'path': '/tmp/before.json'}"

`compare` prints what changed and raises when a record, a permission, a custom field, a workflow or a
scheduled job went missing or changed, when a record is left in a module the app no longer has, or when a Module
Def of the app holds nothing. Module names may change; nothing else may.
"""

import json

import frappe

APP = "referral_crm"
# Records the app ships in its module folders, and the fields that say what each one does.
SHIPPED = {
	"DocType": ("istable", "issingle", "is_tree", "autoname"),
	"Report": ("ref_doctype", "report_type", "is_standard", "disabled"),
	"Page": ("title", "standard"),
	"Print Format": ("doc_type", "standard", "print_format_type", "disabled"),
	"Workspace": ("label", "public", "is_hidden", "sequence_id"),
	"Number Card": ("type", "document_type", "function", "is_standard"),
	"Dashboard Chart": ("chart_type", "document_type", "based_on", "is_standard"),
	"Notification": ("document_type", "event", "channel", "enabled", "is_standard"),
}
CHILDREN = {  # child rows that carry behaviour
	"Report": ("Has Role", ("role",)),
	"Page": ("Has Role", ("role",)),
	"Workspace": ("Workspace Link", ("link_type", "link_to", "label")),
}


def our_modules() -> list[str]:
	return frappe.get_all("Module Def", filters={"app_name": APP}, pluck="name")


def take() -> dict:
	modules = our_modules()
	ours = frappe.get_all("DocType", filters={"module": ("in", modules)}, pluck="name")
	shot: dict = {"modules": sorted(modules), "module_of": {}, "records": {}, "rows": {}}
	for doctype, fields in SHIPPED.items():
		for row in frappe.get_all(
			doctype, filters={"module": ("in", modules)}, fields=["name", "module", *fields]
		):
			key = f"{doctype}: {row.pop('name')}"
			shot["module_of"][key] = row.pop("module")
			shot["records"][key] = row
			if doctype in CHILDREN:
				child, cols = CHILDREN[doctype]
				shot["records"][key]["children"] = sorted(
					"|".join(str(r.get(c)) for c in cols)
					for r in frappe.get_all(
						child,
						filters={"parent": key.split(": ", 1)[1], "parenttype": doctype},
						fields=list(cols),
					)
				)
	for doctype in ours:
		if not frappe.get_meta(doctype).issingle:
			shot["rows"][doctype] = frappe.db.count(doctype)
	shot["docperms"] = sorted(
		"|".join(str(v) for v in row.values())
		for table in ("DocPerm", "Custom DocPerm")
		for row in frappe.get_all(
			table,
			filters={"parent": ("in", ours)},
			fields=[
				"parent",
				"role",
				"permlevel",
				"read",
				"write",
				"create",
				"delete",
				"submit",
				"report",
				"export",
				"print",
				"if_owner",
			],
		)
	)
	shot["custom_fields"] = sorted(
		f"{r.dt}.{r.fieldname}:{r.fieldtype}:{r.permlevel}"
		for r in frappe.get_all("Custom Field", fields=["dt", "fieldname", "fieldtype", "permlevel"])
	)
	shot["workflows"] = {
		w: sorted(
			f"{t.state}>{t.action}>{t.next_state}:{t.allowed}"
			for t in frappe.get_all(
				"Workflow Transition",
				filters={"parent": w},
				fields=["state", "action", "next_state", "allowed"],
			)
		)
		for w in frappe.get_all("Workflow", filters={"document_type": ("in", ours)}, pluck="name")
	}
	shot["default_workspaces"] = {
		u.name: u.default_workspace
		for u in frappe.get_all(
			"User", filters={"default_workspace": ("is", "set")}, fields=["name", "default_workspace"]
		)
	}
	shot["scheduled_jobs"] = sorted(
		frappe.get_all("Scheduled Job Type", filters={"method": ("like", f"{APP}.%")}, pluck="method")
	)
	return shot


def write(path: str) -> None:
	with open(path, "w") as f:
		json.dump(take(), f, indent=1, sort_keys=True, default=str)
	print(f"written {path}")


def compare(path: str) -> None:
	with open(path) as f:
		before = json.load(f)
	after = json.loads(json.dumps(take(), default=str))
	problems, moved = [], 0
	for part in ("records", "rows", "docperms", "custom_fields", "workflows", "default_workspaces"):
		if before[part] != after[part]:
			if isinstance(before[part], dict):
				for key in sorted(set(before[part]) | set(after[part])):
					if before[part].get(key) != after[part].get(key):
						problems.append(
							f"{part}: {key}: {before[part].get(key)!r} -> {after[part].get(key)!r}"
						)
			else:
				gone, new = set(before[part]) - set(after[part]), set(after[part]) - set(before[part])
				problems += [f"{part}: gone {g}" for g in sorted(gone)] + [
					f"{part}: new {n}" for n in sorted(new)
				]
	if len(before["scheduled_jobs"]) != len(after["scheduled_jobs"]):
		problems.append(f"scheduled jobs: {len(before['scheduled_jobs'])} -> {len(after['scheduled_jobs'])}")
	for method in after["scheduled_jobs"]:
		try:
			frappe.get_attr(method)
		except (ImportError, AttributeError):
			problems.append(f"scheduled job {method} names no function")
	declared = set(frappe.get_module_list(APP))
	for key, module in after["module_of"].items():
		moved += module != before["module_of"].get(key)
		if module not in declared:
			problems.append(f"{key} is in module {module}, which modules.txt does not list")
	for module in after["modules"]:
		if module not in after["module_of"].values():
			problems.append(f"Module Def {module} holds nothing")
	if set(after["modules"]) != declared:
		problems.append(f"Module Defs {after['modules']} are not modules.txt {sorted(declared)}")
	print(
		f"{len(after['records'])} shipped records ({moved} in a new module), {sum(after['rows'].values())} rows in {len(after['rows'])} DocTypes, {len(after['docperms'])} permission rows, {len(after['custom_fields'])} custom fields, {len(after['workflows'])} workflows"
	)
	for p in problems:
		print("PROBLEM", p)
	if problems:
		raise AssertionError(f"{len(problems)} differences after the migration")
	print("nothing lost")
