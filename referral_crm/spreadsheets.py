"""Rows of an uploaded CSV or XLSX file, as dicts keyed by the header row."""

import csv
import io
import zipfile

import frappe
from frappe import _


def read_rows(file_url: str) -> list[dict]:
	"""Every row of the file; a file that cannot be read is refused with what to do about it."""
	file = frappe.get_doc("File", {"file_url": file_url})
	content = file.get_content()
	try:
		if (file.file_name or "").lower().endswith(".xlsx"):
			from frappe.utils.xlsxutils import read_xlsx_file_from_attached_file

			table = read_xlsx_file_from_attached_file(fcontent=content)
			header, *body = table or [[]]
			return [dict(zip(header, row, strict=False)) for row in body]
		text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
		return list(csv.DictReader(io.StringIO(text)))
	except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError, ValueError, OSError):
		frappe.throw(
			_("{0} is not a readable CSV or Excel file: save it from Excel as CSV UTF-8 or .xlsx.").format(
				frappe.bold(frappe.utils.escape_html(file.file_name or file_url))
			),
			title=_("Unreadable File"),
		)
