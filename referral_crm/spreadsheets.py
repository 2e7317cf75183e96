"""Rows of an uploaded CSV or XLSX file, as dicts keyed by the header row."""

import csv
import io

import frappe


def read_rows(file_url: str) -> list[dict]:
	file = frappe.get_doc("File", {"file_url": file_url})
	content = file.get_content()
	if (file.file_name or "").lower().endswith(".xlsx"):
		from frappe.utils.xlsxutils import read_xlsx_file_from_attached_file

		table = read_xlsx_file_from_attached_file(fcontent=content)
		header, *body = table or [[]]
		return [dict(zip(header, row, strict=False)) for row in body]
	text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
	return list(csv.DictReader(io.StringIO(text)))
