"""A stand-in for Twilio for the browser check of calls (tests/browser/telephony.js).

Answers the REST calls the app makes (place a call, end a call) and then behaves like Twilio on a
call: fetches the answer URL, then posts the final status callback, each signed with the account's
auth token over the exact URL, as Twilio signs them. Office legs (placed with machine detection)
are answered by a machine; the staff member's own leg is answered and stays up. GET
/simulate/incoming?from=+1... makes a call come in to the agency. Run with the bench's Python:
  env/bin/python tests/browser/fake_twilio.py PORT AUTH_TOKEN SITE_ADDRESS (e.g. 127.0.0.1:8100)
"""

import http.server
import itertools
import json
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

import requests
from twilio.request_validator import RequestValidator

PORT, TOKEN, SITE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ACCOUNT = "AC" + "0" * 32
ids = itertools.count(1)
calls: dict[str, dict] = {}
settings = {"incoming_url": "", "agency_number": ""}


def post(url: str, params: dict) -> str:
	"""POST a signed webhook; the URL's host is what was signed, the request goes to the served site."""
	parts = urlsplit(url)
	signature = RequestValidator(TOKEN).compute_signature(url, params)
	target = f"http://{SITE}{parts.path}" + (f"?{parts.query}" if parts.query else "")
	response = requests.post(
		target, data=params, headers={"X-Twilio-Signature": signature, "Host": parts.netloc}, timeout=30
	)
	print("webhook", parts.path.rsplit(".", 1)[-1], parts.query, response.status_code, flush=True)
	return response.text


def run_call(sid: str) -> None:
	call = calls[sid]
	base = {
		"CallSid": sid,
		"AccountSid": ACCOUNT,
		"From": call["From"],
		"To": call["To"],
		"Direction": "outbound-api",
	}
	time.sleep(1.5)
	machine = "MachineDetection" in call
	answered = {**base, "CallStatus": "in-progress"}
	if machine:
		answered["AnsweredBy"] = "machine_end_beep"
	post(call["Url"], answered)
	if machine:
		time.sleep(1.5)
		post(call["StatusCallback"], {**answered, "CallStatus": "completed", "CallDuration": "23"})


class Handler(http.server.BaseHTTPRequestHandler):
	def reply(self, status: int, body: dict | None = None):
		data = json.dumps(body or {}).encode()
		self.send_response(status)
		self.send_header("Content-Type", "application/json")
		self.send_header("Content-Length", str(len(data)))
		self.end_headers()
		self.wfile.write(data)

	def do_POST(self):
		length = int(self.headers.get("Content-Length") or 0)
		form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
		path = urlsplit(self.path).path
		print(
			"rest",
			self.command,
			path,
			{k: form.get(k) for k in ("To", "From", "MachineDetection", "Status")},
			flush=True,
		)
		if path.endswith("/Calls.json"):
			sid = f"CA{next(ids):032d}"
			calls[sid] = form
			threading.Thread(target=run_call, args=(sid,), daemon=True).start()
			return self.reply(201, {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"]})
		if "/Calls/" in path:
			sid = path.rsplit("/", 1)[1].removesuffix(".json")
			return self.reply(200, {"sid": sid, "status": "completed"})
		return self.reply(404, {"code": 20404, "message": "not found", "status": 404})

	def do_GET(self):
		url = urlsplit(self.path)
		query = {k: v[0] for k, v in parse_qs(url.query).items()}
		if url.path == "/simulate/incoming":
			sid = f"CA{next(ids):032d}"
			params = {
				"CallSid": sid,
				"AccountSid": ACCOUNT,
				"From": query["from"],
				"To": query["to"],
				"CallStatus": "ringing",
				"Direction": "inbound",
			}
			twiml = post(query["url"], params)
			return self.reply(200, {"sid": sid, "twiml": twiml})
		return self.reply(404)

	def log_message(self, *args):
		pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
