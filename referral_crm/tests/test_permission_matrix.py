"""Least privilege, proven on the site: what each role may do on each DocType is what the README promises.

The README's permission matrix is the documented expectation. This test reads it and asks the
running site (roles as installed, permission hooks and all) for every role, plus a referring-office
portal user and Guest, on every DocType in it, for each right: read, write, create, delete, report,
export, print, email, share, import, submit, cancel, and reading patient data (level 1).
"""

import os
import re

import frappe
from frappe.tests.utils import FrappeTestCase

from referral_crm.install import PORTAL_ROLE, ROLES
from referral_crm.testing import make_user

RIGHTS = {
	"R": "read",
	"W": "write",
	"C": "create",
	"D": "delete",
	"Rep": "report",
	"X": "export",
	"P": "print",
	"E": "email",
	"S": "share",
	"I": "import",
	"Sub": "submit",
	"Can": "cancel",
}


def promised_matrix() -> dict[tuple[str, int], dict[str, set[str]]]:
	"""{(doctype, level): {role: ({right, ...}, own records only)}} from the README's table."""
	readme = os.path.join(frappe.get_app_path("referral_crm"), "..", "README.md")
	with open(readme) as f:
		lines = f.read().splitlines()
	header = next(i for i, line in enumerate(lines) if line.startswith("| DocType | Physician Liaison"))
	roles = [cell.strip() for cell in lines[header].strip("|").split("|")][1:]
	matrix = {}
	for line in lines[header + 2 :]:
		if not line.startswith("| "):
			break
		name, *cells = (cell.strip() for cell in line.strip("|").split("|"))
		level = 1 if (found := re.search(r"level (\d)\)$", name)) and found.group(1) == "1" else 0
		doctype = re.sub(r" \(.*\)$", "", name)
		matrix[(doctype, level)] = {
			role: (
				{RIGHTS[token] for token in cell.replace("(own)", "").split() if token != "-"},
				"(own)" in cell,
			)
			for role, cell in zip(roles, cells, strict=True)
		}
	return matrix


class TestPermissionMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.matrix = promised_matrix()
		cls.users = {role: make_user([role]) for role in ROLES}
		cls.portal_user = make_user([PORTAL_ROLE])
		frappe.db.set_value("User", cls.portal_user, "user_type", "Website User")

	def test_the_readme_covers_every_role_and_the_app_doctypes(self):
		self.assertEqual({role for cells in self.matrix.values() for role in cells}, set(ROLES))
		app_doctypes = set(
			frappe.get_all(
				"DocType",
				filters={"module": ("in", frappe.get_module_list("referral_crm")), "istable": 0},
				pluck="name",
			)
		)
		self.assertLessEqual({d for d, _ in self.matrix}, app_doctypes)
		self.assertGreaterEqual(len(self.matrix), 25)

	def test_every_role_has_exactly_the_rights_the_readme_promises(self):
		wrong, checked = [], 0
		for (doctype, level), cells in self.matrix.items():
			meta = frappe.get_meta(doctype)
			for role, (promised, own_only) in cells.items():
				user = self.users[role]
				if level == 1:
					actual = {"read"} if 1 in meta.get_permlevel_access("read", user=user) else set()
					actual |= {"write"} if 1 in meta.get_permlevel_access("write", user=user) else set()
					promised = promised & {"read", "write"}
				else:
					actual = {
						right for right in RIGHTS.values() if frappe.has_permission(doctype, right, user=user)
					}
				checked += len(RIGHTS)
				if own_only:
					# Frappe grants "only if creator" rights per record; at the DocType it shows read and create.
					promised = promised & {"read", "create"}
				if actual != promised:
					wrong.append(
						f"{doctype} (level {level}) / {role}: promised {sorted(promised)}, site gives {sorted(actual)}"
					)
		self.assertEqual(wrong, [], "\n".join(wrong))
		self.assertGreater(checked, 2000)

	def test_a_portal_user_and_guest_have_no_right_on_any_app_doctype(self):
		for user in (self.portal_user, "Guest"):
			for doctype, level in self.matrix:
				if level:
					continue
				granted = [
					right for right in RIGHTS.values() if frappe.has_permission(doctype, right, user=user)
				]
				with self.subTest(user=user, doctype=doctype):
					self.assertEqual(granted, [])
			self.assertNotIn(1, frappe.get_meta("Referral").get_permlevel_access("read", user=user))
