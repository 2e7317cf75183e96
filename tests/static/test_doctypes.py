import re

import pytest

from .metadata import APP, FRAPPE_ROLES, MODULES, app_roles, doctypes, fields, known_doctypes

DOCTYPES = sorted(doctypes())
LINK_TYPES = {"Link", "Table", "Table MultiSelect"}


def test_the_client_named_doctypes_exist():
	for name in ("Practice", "Provider", "Referral", "Referral Territory", "Visit"):
		assert name in doctypes()
	assert "Territory" not in doctypes(), "ERPNext owns Territory; ours is Referral Territory"


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_name_does_not_clash_with_another_app(doctype):
	owners = [app for app, names in known_doctypes().items() if doctype in names]
	assert not owners, f"{doctype} is already a DocType of {owners}"


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_belongs_to_our_module_and_folder(doctype):
	meta = doctypes()[doctype]
	path = meta["__path"]
	assert MODULES[meta["module"]] == path.parents[2], f"{doctype} is filed in another module's folder"
	scrubbed = doctype.lower().replace(" ", "_").replace("-", "_")
	assert path.parent.name == scrubbed and path.stem == scrubbed
	assert path.with_suffix(".py").exists(), f"{doctype} has no controller"


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_link_and_table_targets_exist(doctype):
	allowed = set(doctypes()) | known_doctypes()["frappe"]
	for field in doctypes()[doctype]["fields"]:
		if field["fieldtype"] in LINK_TYPES:
			assert field.get("options") in allowed, (
				f"{doctype}.{field['fieldname']} points at {field.get('options')!r}, "
				"which is neither in this app nor in Frappe"
			)
		if field["fieldtype"] in {"Table", "Table MultiSelect"}:
			assert (
				doctypes().get(field["options"], {}).get("istable")
			), f"{field['options']} is not a child table"
		if field["fieldtype"] == "Dynamic Link":
			assert field.get("options") in fields(doctype)


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_field_order_and_names_are_consistent(doctype):
	meta = doctypes()[doctype]
	names = [f["fieldname"] for f in meta["fields"]]
	assert len(names) == len(set(names)), "duplicate fieldnames"
	assert meta["field_order"] == names
	for name in names:
		assert re.fullmatch(r"[a-z][a-z0-9_]*", name), f"{name} is not a valid fieldname"
	for key in ("title_field", "sort_field"):
		if meta.get(key) and meta[key] not in {"modified", "creation", "name"}:
			assert meta[key] in names, f"{key} {meta[key]} is not a field"
	for name in filter(None, (meta.get("search_fields") or "").split(",")):
		assert name.strip() in names


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_fetch_from_reads_a_link_of_the_same_doctype(doctype):
	own = fields(doctype)
	for field in own.values():
		if source := field.get("fetch_from"):
			link, _, target = source.partition(".")
			assert (
				own.get(link, {}).get("fieldtype") == "Link"
			), f"{field['fieldname']} fetches through {link}"
			linked = own[link]["options"]
			if linked in doctypes():
				assert target in fields(linked), f"{linked} has no field {target}"


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_select_defaults_are_options(doctype):
	for field in doctypes()[doctype]["fields"]:
		if field["fieldtype"] == "Select" and field.get("default"):
			assert field["default"] in field["options"].split("\n")


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_permissions_name_real_roles(doctype):
	known = app_roles() | FRAPPE_ROLES
	meta = doctypes()[doctype]
	for perm in meta["permissions"]:
		assert perm["role"] in known, f"{doctype} grants to unknown role {perm['role']!r}"
	if not meta.get("istable"):
		assert meta["permissions"], f"{doctype} has no permissions at all"


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_every_permission_level_in_use_can_be_read(doctype):
	meta = doctypes()[doctype]
	levels = {f.get("permlevel", 0) for f in meta["fields"]}
	readable = {p.get("permlevel", 0) for p in meta["permissions"] if p.get("read")}
	if not meta.get("istable"):
		assert levels <= readable, f"levels {levels - readable} have no role that reads them"


@pytest.mark.parametrize("doctype", [d for d in DOCTYPES if doctypes()[d].get("is_tree")])
def test_trees_have_nested_set_fields(doctype):
	meta = doctypes()[doctype]
	own = fields(doctype)
	parent = meta["nsm_parent_field"]
	assert parent == "parent_" + doctype.lower().replace(" ", "_")  # frappe.desk.treeview expects this name
	assert own[parent]["fieldtype"] == "Link" and own[parent]["options"] == doctype
	for name in ("lft", "rgt", "is_group", "old_parent"):
		assert name in own, f"tree {doctype} lacks {name}"


def test_unique_identifiers_are_unique_in_the_database():
	assert fields("Practice")["npi"].get("unique")
	assert fields("Provider")["npi"].get("unique")
	# An external id is unique per sending integration: a two-column index made on migrate.
	assert not fields("Referral")["external_id"].get("unique")
	assert fields("Referral")["source_system"]["options"] == "User"
	install = (APP / "install.py").read_text()
	assert 'add_unique("Referral", ["source_system", "external_id"]' in install


def test_role_list_columns_name_real_fields_the_role_can_read():
	from referral_crm.core.listviews import ROLE_LIST_COLUMNS

	for doctype, by_role in ROLE_LIST_COLUMNS.items():
		own = fields(doctype)
		for role, columns in by_role.items():
			assert role in app_roles()
			for column in columns:
				assert column in own, f"{doctype} has no field {column}"
				assert not own[column].get("permlevel"), f"{column} is not for every role"
			assert any(p["role"] == role and p.get("read") for p in doctypes()[doctype]["permissions"])
