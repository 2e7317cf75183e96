"""Code hygiene checks over the app's Python source, usable on any source text (so each can be shown to catch a planted violation)."""

import ast

PERMISSION_CALLS = {
	"has_permission",
	"check_permission",
	"require_manager",
	"require_office",
	"only_for",
	"get_list",
	"verify_provider_signature",  # a webhook's caller is the voice provider, proven by its signature
}


def _is_whitelist(decorator) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	return isinstance(target, ast.Attribute) and target.attr == "whitelist"


def _keyword(decorator, name):
	if isinstance(decorator, ast.Call):
		for keyword in decorator.keywords:
			if keyword.arg == name:
				return ast.literal_eval(keyword.value)
	return None


def _calls(node) -> set[str]:
	names = set()
	for child in ast.walk(node):
		if isinstance(child, ast.Call):
			func = child.func
			names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
	return names


def whitelist_problems(source: str, allowed_guest: set[str] = frozenset()) -> list[str]:
	"""Whitelisted methods: POST unless a get_* read, a permission check, no guest access unless allowed."""
	tree = ast.parse(source)
	problems = []
	module_level = {id(n) for n in tree.body}
	for node in ast.walk(tree):
		if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
			continue
		for decorator in filter(_is_whitelist, node.decorator_list):
			if _keyword(decorator, "allow_guest") and node.name not in allowed_guest:
				problems.append(f"{node.name}: guest access")
			if id(node) in module_level:  # doc methods are called through run_doc_method, a POST
				methods = _keyword(decorator, "methods") or []
				read = node.name == "get" or node.name.startswith("get_")
				if methods != ["POST"] and not (methods in (["GET"], ["GET", "POST"]) and read):
					problems.append(f"{node.name}: must be POST only (or a GET get_* read)")
			if not _calls(node) & PERMISSION_CALLS:
				problems.append(f"{node.name}: checks no permission")
	return problems


def ignore_permission_uses(source: str) -> set[str]:
	"""Functions that write with ignore_permissions=True (or set the flag)."""
	tree = ast.parse(source)
	found = set()
	for function in ast.walk(tree):
		if not isinstance(function, ast.FunctionDef):
			continue
		for node in ast.walk(function):
			if (
				isinstance(node, ast.keyword)
				and node.arg == "ignore_permissions"
				and getattr(node.value, "value", None) is True
			):
				found.add(function.name)
			if (
				isinstance(node, ast.Assign)
				and any(isinstance(t, ast.Attribute) and t.attr == "ignore_permissions" for t in node.targets)
				and getattr(node.value, "value", None) is True
			):
				found.add(function.name)
	return found


def formatted_sql(source: str) -> list[int]:
	"""Lines where frappe.db.sql gets an f-string, a % or + built query, or .format()."""
	lines = []
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "sql" and node.args:
			query = node.args[0]
			if isinstance(query, ast.JoinedStr | ast.BinOp) or (
				isinstance(query, ast.Call) and getattr(query.func, "attr", None) == "format"
			):
				lines.append(node.lineno)
	return lines
