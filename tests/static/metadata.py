"""Reads the app's metadata (DocType JSON, fixtures, hooks) as plain files, without Frappe."""

import ast
import json
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "referral_crm"
# One Frappe module per domain: {module name: its folder}, in the order of modules.txt.
MODULES = {
	name: APP / name.lower().replace(" ", "_")
	for name in (APP / "modules.txt").read_text().split("\n")
	if name
}
KNOWN_DOCTYPES_FILE = Path(__file__).with_name("known_doctypes.tsv")

# Roles every Frappe site has.
FRAPPE_ROLES = {
	"Administrator",
	"System Manager",
	"Guest",
	"All",
	"Desk User",
	"Website Manager",
	"Report Manager",
}
# Records Frappe itself installs (frappe/utils/install.py), which our workflow may use.
FRAPPE_WORKFLOW_STATES = {"Pending", "Approved", "Rejected"}
FRAPPE_WORKFLOW_ACTIONS = {"Approve", "Reject", "Review"}


@cache
def known_doctypes() -> dict[str, set[str]]:
	"""{app: {doctype, ...}} for Frappe, ERPNext, HRMS, Healthcare, Frappe CRM and Helpdesk."""
	out: dict[str, set[str]] = {}
	for line in KNOWN_DOCTYPES_FILE.read_text().splitlines()[1:]:
		app, _, doctype = line.partition("\t")
		if doctype:
			out.setdefault(app, set()).add(doctype)
	return out


@cache
def doctypes() -> dict[str, dict]:
	out = {}
	for path in module_files("doctype"):
		data = json.loads(path.read_text())
		data["__path"] = path
		out[data["name"]] = data
	return out


def fields(doctype: str) -> dict[str, dict]:
	return {f["fieldname"]: f for f in doctypes()[doctype]["fields"]}


def fixture(name: str) -> list[dict]:
	return json.loads((APP / "fixtures" / f"{name}.json").read_text())


def module_files(kind: str) -> list[Path]:
	"""The JSON file of every record of `kind` (doctype, report, workspace, ...) in any of our modules."""
	return [
		p
		for folder in MODULES.values()
		for p in sorted(folder.glob(f"{kind}/*/*.json"))
		if p.stem == p.parent.name
	]


def module_records(kind: str) -> list[dict]:
	return [json.loads(p.read_text()) for p in module_files(kind)]


def literal_assignment(path: Path, name: str):
	"""The value of a top-level `name = <literal>` in a Python file, read without importing it."""
	tree = ast.parse(path.read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
			return ast.literal_eval(node.value)
	raise LookupError(f"{name} is not assigned in {path}")


def app_roles() -> set[str]:
	return set(literal_assignment(APP / "install.py", "ROLES"))


def defined_functions(module_path: Path) -> set[str]:
	tree = ast.parse(module_path.read_text())
	names = set()
	for node in tree.body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
			names.add(node.name)
		elif isinstance(node, ast.Assign):
			names.update(t.id for t in node.targets if isinstance(t, ast.Name))
	return names


MATRIX_DOCTYPES = (
	"Practice",
	"Provider",
	"Visit",
	"Referral",
	"Referral Territory",
	"Insurance Payer",
	"Specialty",
	"Service Line",
	"Office Role",
	"Referral CRM Settings",
	"Referral Source Week",
	"Referral Source Alert",
	"Commission Rule",
	"Commission Statement",
	"Account Stage Change",
	"Partner Issue",
	"Provider Taxonomy",
	"NPPES Import",
	"Outbound Document",
	"Postcard Batch",
	"Outreach Sheet Import",
	"Outreach Work List",
	"Outreach Queue",
	"Route Plan",
	"Provider Spend",
	"Mileage Log",
	"PHI Access Log",
)
# What a DocType keeps behind permission level 1, when it is not patient data.
LEVEL_ONE_HOLDS = {"Provider Spend": "manager override"}
RIGHT_LETTERS = {
	"read": "R",
	"write": "W",
	"create": "C",
	"delete": "D",
	"report": "Rep",
	"export": "X",
	"print": "P",
	"email": "E",
	"share": "S",
	"import": "I",
	"submit": "Sub",
	"cancel": "Can",
}


def permission_matrix_rows() -> list[str]:
	"""The README's permission table, row by row, as the DocType JSON grants it."""
	rows = []
	for doctype in MATRIX_DOCTYPES:
		perms = doctypes()[doctype]["permissions"]
		for level in sorted({p.get("permlevel", 0) for p in perms}):
			cells = []
			for role in literal_assignment(APP / "install.py", "ROLES"):
				perm = next((p for p in perms if p["role"] == role and p.get("permlevel", 0) == level), {})
				cell = " ".join(letter for right, letter in RIGHT_LETTERS.items() if perm.get(right)) or "-"
				cells.append(f"{cell} (own)" if perm.get("if_owner") else cell)
			what = LEVEL_ONE_HOLDS.get(doctype, "PHI")
			name = doctype if level == 0 else f"{doctype} ({what}, level {level})"
			rows.append(f"| {name} | " + " | ".join(cells) + " |")
	return rows
