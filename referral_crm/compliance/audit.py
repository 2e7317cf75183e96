"""Every read of patient data, on every channel, leaves a PHI Access Log entry.

Frappe writes a View Log only when the desk opens a form. Patient data also leaves through the REST
API, `frappe.client`, list and report views, exports, reports, print views and PDFs, link search,
file downloads and the referring-office portal. After each successful request the app looks at what
was asked for; when it was a PHI document type, it records the user, the time, the record (or every
record of a list and how many), the channel and the address it came from.
"""

import json
from urllib.parse import unquote

import frappe
from frappe.utils import now_datetime

LOG = "PHI Access Log"
PHI_DOCTYPES = frozenset({"Referral", "HL7 Message"})
MAX_RECORDS = 5000  # names kept per entry; the row count is always the full one

# Frappe methods that read documents, and the channel each one is.
METHOD_CHANNELS = {
	"frappe.desk.form.load.getdoc": "Desk Form",
	"frappe.client.get": "API",
	"frappe.client.get_value": "API",
	"frappe.client.get_list": "API",
	"frappe.client.get_doc": "API",
	"frappe.desk.reportview.get": "List or Report View",
	"frappe.desk.reportview.get_list": "List or Report View",
	"frappe.desk.reportview.export_query": "Export",
	"frappe.desk.query_report.run": "App Report",
	"frappe.desk.query_report.export_query": "Export",
	"frappe.www.printview.get_html_and_style": "Print",
	"frappe.utils.print_format.download_pdf": "Print",
	"frappe.utils.print_format.download_multi_pdf": "Print",
	"frappe.desk.search.search_link": "Search",
	"frappe.desk.search.search_widget": "Search",
}


def record(
	channel: str, doctype: str, names=(), row_count: int | None = None, request: str | None = None
) -> None:
	"""Write one entry. `names` is the record read, or every record a list returned."""
	names = [str(n) for n in names if n]
	frappe.get_doc(
		{
			"doctype": LOG,
			"user": frappe.session.user,
			"accessed_at": now_datetime(),
			"channel": channel,
			"ip_address": getattr(frappe.local, "request_ip", None),
			"reference_doctype": doctype,
			"reference_name": names[0] if len(names) == 1 else None,
			"row_count": len(names) if row_count is None else row_count,
			"records": "\n".join(names[:MAX_RECORDS]) or None,
			"request": request,
		}
	).insert(ignore_permissions=True, ignore_links=True)
	request_ = getattr(frappe.local, "request", None)
	if request_ is not None and request_.method == "GET":
		frappe.db.commit()  # Frappe commits no read; the entry must outlive the request


def after_request(response, request) -> None:
	"""The `after_request` hook: audit the request if it read patient data and succeeded."""
	if response is None or response.status_code != 200 or frappe.session.user == "Guest":
		return
	found = _what_was_read(request, response)
	if not found:
		return
	channel, doctype, names, row_count = found
	try:
		record(channel, doctype, names, row_count, f"{request.method} {request.full_path}"[:1000])
		frappe.db.commit()  # after Frappe's own commit of the request
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="PHI access could not be logged")


def _what_was_read(request, response) -> tuple | None:
	path = unquote(request.path)
	form = frappe.form_dict
	if path.startswith("/private/files/"):
		return _file(path)
	if path.rstrip("/") == "/printview" and form.get("doctype") in PHI_DOCTYPES:
		return "Print", form.doctype, [form.get("name")], None
	for prefix in ("/api/resource/", "/api/v1/resource/", "/api/v2/document/"):
		if path.startswith(prefix) and request.method == "GET":
			return _resource(path[len(prefix) :].split("/"), response)
	for prefix in ("/api/method/", "/api/v1/method/", "/api/v2/method/"):
		if path.startswith(prefix):
			return _method(path[len(prefix) :].strip("/"), form, response)
	return None


def _resource(parts: list[str], response) -> tuple | None:
	doctype = parts[0]
	if doctype not in PHI_DOCTYPES:
		return None
	if len(parts) > 1 and parts[1]:
		return "REST", doctype, [parts[1]], None
	rows = _message(response, key="data")
	return "REST", doctype, _names(rows), len(rows or [])


def _method(method: str, form, response) -> tuple | None:
	channel = METHOD_CHANNELS.get(method)
	if not channel:
		return None
	doctype = form.get("doctype")
	if method.startswith("frappe.desk.query_report."):
		doctype = frappe.db.get_value("Report", form.get("report_name"), "ref_doctype")
	if doctype not in PHI_DOCTYPES:
		return None
	name = form.get("name") or form.get("docname")
	if name and channel in ("Desk Form", "API", "Print") and not method.endswith(("get_list", "multi_pdf")):
		return channel, doctype, [name], None
	if method == "frappe.utils.print_format.download_multi_pdf":
		names = _json(form.get("name")) or []
		return channel, doctype, names, len(names)
	message = _message(response)
	if method == "frappe.desk.reportview.get" and isinstance(message, dict):
		keys, values = message.get("keys") or [], message.get("values") or []
		names = [row[keys.index("name")] for row in values] if "name" in keys else []
		return channel, doctype, names, len(values)
	if method.startswith("frappe.desk.query_report.run") and isinstance(message, dict):
		rows = message.get("result") or []
		return channel, doctype, _names(rows), len(rows)
	if method.startswith("frappe.desk.search."):
		rows = message if isinstance(message, list) else (message or {}).get("results", [])
		return channel, doctype, [r.get("value") if isinstance(r, dict) else r for r in rows], len(rows)
	if isinstance(message, list):
		return channel, doctype, _names(message), len(message)
	return channel, doctype, [], None


def _file(path: str) -> tuple | None:
	attached = frappe.db.get_value(
		"File", {"file_url": path}, ["attached_to_doctype", "attached_to_name"], as_dict=True
	)
	if attached and attached.attached_to_doctype in PHI_DOCTYPES:
		return "File Download", attached.attached_to_doctype, [attached.attached_to_name], None
	return None


def _message(response, key: str = "message"):
	if response.mimetype != "application/json":
		return None
	try:
		return json.loads(response.get_data()).get(key)
	except (ValueError, AttributeError):
		return None


def _json(value):
	if isinstance(value, str):
		try:
			return json.loads(value)
		except ValueError:
			return [value]
	return value


def _names(rows) -> list:
	if not isinstance(rows, list):
		return []
	return [row.get("name") if isinstance(row, dict) else None for row in rows]
