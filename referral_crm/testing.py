"""Factories for the FrappeTestCase suites: one place that knows how to make valid records."""

import random

import frappe
from frappe.utils import now_datetime

from referral_crm.core.referral_sources.npi import make_npi

_rng = random.Random()


# Records of HRMS and Healthcare that our DocTypes link to when those apps are installed. Their own test
# records need a company and genders set up, so Frappe's runner must not make them for our tests
# (`test_ignore` in each of our DocType test modules that links them).
OTHER_APPS_RECORDS = [
	"Employee",
	"Expense Claim",
	"Expense Claim Type",
	"Additional Salary",
	"Salary Component",
	"Patient",
	"Patient Appointment",
	"Patient Encounter",
	"Gender",
]


def unique_npi(first_digit: str = "1") -> str:
	while True:
		npi = make_npi(first_digit + "".join(_rng.choice("0123456789") for _ in range(8)))
		if not frappe.db.exists("Practice", {"npi": npi}) and not frappe.db.exists("Provider", {"npi": npi}):
			return npi


def unique_zip() -> str:
	"""A ZIP no territory claims yet (from the 9xxxx range so demo data stays apart)."""
	while True:
		zip_code = f"9{_rng.randrange(10000):04d}"
		if not frappe.db.exists("Referral Territory ZIP", {"zip_code": zip_code}):
			return zip_code


def label(prefix: str) -> str:
	return f"{prefix} {frappe.generate_hash(length=6)}"


def make_territory(name=None, zip_codes=(), parent=None, is_group=0, members=()) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Referral Territory",
			"territory_name": name or label("Territory"),
			"parent_referral_territory": parent,
			"is_group": is_group,
			"zip_codes": [{"zip_code": z} for z in zip_codes],
			"members": [{"user": user, "territory_role": role} for user, role in members],
		}
	).insert()


def make_practice(**overrides) -> "frappe.Document":
	values = {
		"doctype": "Practice",
		"practice_name": label("Practice"),
		"zip_code": unique_zip(),
		"state": "NY",
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def make_provider(practices=(), **overrides) -> "frappe.Document":
	values = {
		"doctype": "Provider",
		"first_name": "Test",
		"last_name": label("Provider").replace(" ", ""),
		"credential": "MD",
		"npi": unique_npi(),
		"practices": [{"practice": p} for p in practices],
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def make_visit(practice: str, **overrides) -> "frappe.Document":
	values = {
		"doctype": "Visit",
		"practice": practice,
		"channel": "In Person",
		"outcome": "Spoke with Office Staff",
		"visit_datetime": now_datetime(),
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def make_referral(**overrides) -> "frappe.Document":
	values = {
		"doctype": "Referral",
		"patient_first_name": "Pat",
		"patient_last_name": label("Patient").replace(" ", ""),
		"patient_date_of_birth": "1941-03-09",
		"diagnosis": "CHF exacerbation, needs skilled nursing",
		"channel": "Fax",
		"received_at": now_datetime(),
	}
	values.update(overrides)
	return frappe.get_doc(values).insert()


def make_user(roles: list[str], email: str | None = None) -> str:
	email = email or f"{frappe.generate_hash(length=8)}@referral-crm.test"
	# Frappe refuses more than 60 new users an hour; the suite makes more than that on purpose.
	frappe.local.conf.throttle_user_limit = 10**6
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		user.add_roles(*roles)
	return email


def move_referral(referral: "frappe.Document", *statuses: str, **values) -> "frappe.Document":
	"""Walk a referral through workflow states, saving each step as the current user."""
	for status in statuses:
		referral.reload()
		referral.update(values)
		referral.status = status
		referral.save()
	return referral


REFERRAL_SEED_FIELDS = (
	"name",
	"received_at",
	"channel",
	"status",
	"referring_practice",
	"referral_territory",
	"patient_first_name",
	"patient_last_name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)


def seed_weekly_referrals(practice: str, counts: list[int], last_week) -> int:
	"""Bulk-write referrals for `practice`: counts[i] in the week starting `last_week - (len - 1 - i)` weeks.

	Writes rows directly (no controllers): the weekly job recounts from the table itself.
	"""
	from datetime import timedelta

	from frappe.utils import get_datetime

	territory = frappe.db.get_value("Practice", practice, "referral_territory")
	now = now_datetime()
	rows = []
	for index, count in enumerate(counts):
		week = get_datetime(last_week) - timedelta(weeks=len(counts) - 1 - index)
		for n in range(count):
			received = week + timedelta(hours=9 + (n * 7) % 100)
			rows.append(
				(
					frappe.generate_hash(length=12),
					received,
					"Fax",
					"Received",
					practice,
					territory,
					"Seed",
					"Patient",
					now,
					now,
					"Administrator",
					"Administrator",
					0,
				)
			)
	frappe.db.bulk_insert("Referral", REFERRAL_SEED_FIELDS, rows)
	from referral_crm.referral_sources.rollups import fill_received_dates

	fill_received_dates()
	return len(rows)


class RecordedServer:
	"""A local HTTP server for tests of outside services: answers from `respond`, records every request."""

	def __init__(self, respond):
		import http.server
		import threading

		self.requests: list[dict] = []
		server = self

		class Handler(http.server.BaseHTTPRequestHandler):
			def handle_one(self, method):
				from urllib.parse import parse_qs, urlsplit

				length = int(self.headers.get("Content-Length") or 0)
				url = urlsplit(self.path)
				request = {
					"method": method,
					"path": url.path,
					"query": {k: v[0] for k, v in parse_qs(url.query).items()},
					"headers": dict(self.headers),
					"body": self.rfile.read(length) if length else b"",
				}
				server.requests.append(request)
				status, content_type, body = respond(request)
				self.send_response(status)
				self.send_header("Content-Type", content_type)
				self.send_header("Content-Length", str(len(body)))
				self.end_headers()
				self.wfile.write(body)

			def do_GET(self):
				self.handle_one("GET")

			def do_POST(self):
				self.handle_one("POST")

			def do_PUT(self):
				self.handle_one("PUT")

			def do_DELETE(self):
				self.handle_one("DELETE")

			def log_message(self, *args):
				pass

		self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
		self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.httpd.shutdown()
		self.httpd.server_close()


def json_answer(payload, status: int = 200) -> tuple[int, str, bytes]:
	import json

	return status, "application/json", json.dumps(payload).encode()


class LocalSMTPServer:
	"""An SMTP server on 127.0.0.1 that keeps what it receives, or refuses every message when told to."""

	def __init__(self, refuse: bool = False):
		import socketserver
		import threading

		self.messages: list[dict] = []
		self.refuse = refuse
		outer = self

		class Handler(socketserver.StreamRequestHandler):
			def reply(self, line: str):
				self.wfile.write((line + "\r\n").encode())

			def handle(self):
				self.reply("220 localhost ESMTP test")
				sender, recipients = None, []
				while line := self.rfile.readline():
					command = line.decode(errors="replace").strip()
					verb = command.split(" ", 1)[0].upper()
					if verb in ("EHLO", "HELO"):
						self.reply("250 localhost")
					elif verb == "MAIL":
						sender, recipients = command.split(":", 1)[1].strip(" <>"), []
						self.reply("250 OK")
					elif verb == "RCPT":
						recipients.append(command.split(":", 1)[1].strip(" <>"))
						self.reply("250 OK")
					elif verb == "DATA":
						self.reply("354 End data with <CR><LF>.<CR><LF>")
						data = []
						while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
							data.append(chunk)
						if outer.refuse:
							self.reply("554 Transaction failed: mailbox unavailable")
						else:
							outer.messages.append({"from": sender, "to": recipients, "data": b"".join(data)})
							self.reply("250 OK queued")
					elif verb == "QUIT":
						self.reply("221 Bye")
						return
					else:
						self.reply("250 OK")

		class Server(socketserver.ThreadingTCPServer):
			allow_reuse_address = True
			daemon_threads = True

		self.server = Server(("127.0.0.1", 0), Handler)
		self.port = self.server.server_address[1]
		self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()


def make_email_account(port: int, default_outgoing: bool = False) -> str:
	"""An outgoing Email Account on a local SMTP port, no login (for tests of sending)."""
	name = f"Test Outgoing {port}"
	if not frappe.db.exists("Email Account", name):
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": f"outreach-{port}@agency.example",
				"enable_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": port,
				"no_smtp_authentication": 1,
				"use_tls": 0,
				"use_ssl_for_outgoing": 0,
				"default_outgoing": int(default_outgoing),
			}
		)
		account.flags.ignore_validate = True
		account.insert(ignore_permissions=True)
	return name


def make_office_user(practice: str) -> str:
	"""A website user of a referring office: the portal role and a Contact linked to the practice."""
	email = f"office-{frappe.generate_hash(length=8)}@office.example"
	frappe.local.conf.throttle_user_limit = 10**6
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Office",
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	user.add_roles("Referring Office")
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Office",
			"last_name": email.split("@")[0],
			"user": email,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Practice", "link_name": practice}],
		}
	).insert(ignore_permissions=True)
	return email


def serve_assets_for_pdfs(case) -> None:
	"""wkhtmltopdf fetches the site's CSS from the site's own address while printing a PDF. When no web
	server answers there (a bench without `bench start`), serve the bench's /assets and the site's
	public /files on that address for the rest of the test class; a running server is used as it is."""
	import os
	import socket
	import threading
	from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
	from pathlib import Path
	from urllib.parse import unquote, urlparse

	url = urlparse(frappe.utils.get_url())
	port = url.port or 80
	try:
		socket.create_connection(("127.0.0.1", port), timeout=1).close()
		return
	except OSError:
		pass
	roots = {
		"/assets/": Path(os.path.abspath(os.path.join(frappe.local.sites_path, "assets"))),
		"/files/": Path(os.path.abspath(frappe.get_site_path("public", "files"))),
	}

	class Assets(SimpleHTTPRequestHandler):
		def translate_path(self, path):
			path = unquote(urlparse(path).path)
			for prefix, root in roots.items():
				if path.startswith(prefix):
					# Normalised, not resolved: each app's assets folder is a link into the app.
					target = Path(os.path.normpath(root / path[len(prefix) :]))
					if target.is_relative_to(root):
						return str(target)
			return str(roots["/assets/"] / "__none__")

		def log_message(self, *args):
			pass

	server = ThreadingHTTPServer(("127.0.0.1", port), Assets)
	threading.Thread(target=server.serve_forever, daemon=True).start()
	case.addClassCleanup(server.server_close)
	case.addClassCleanup(server.shutdown)
