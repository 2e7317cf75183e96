"""REST load: referrals through the intake API and visits through the desk's REST API, 20 clients.

	bench --site bench.localhost execute referral_crm.benchmarks.scale.api_clients
	locust -f referral_crm/benchmarks/locustfile.py --host http://bench.localhost:8010 \
		--headless -u 20 -r 20 -t 60s --csv /tmp/rest

Each simulated client logs in with its own API users (see `api_clients`), sends referrals with
a unique external id (half with a referring provider's NPI, half by name and phone) and logs
visits for its liaison's practices. Results are in docs/benchmarks.md.
"""

import itertools
import json
import os
import random
import uuid
from datetime import datetime

from locust import HttpUser, between, task

from referral_crm.core.referral_sources.npi import make_npi

CLIENTS = json.load(open(os.environ.get("REFERRAL_CRM_API_CLIENTS", "/tmp/referral_crm_api_clients.json")))
_next = itertools.count()


class Agency(HttpUser):
	wait_time = between(0.05, 0.15)

	def on_start(self):
		self.client_number = next(_next) % len(CLIENTS)
		self.me = CLIENTS[self.client_number]
		self.rng = random.Random(self.client_number)

	@task(1)
	def send_referral(self):
		provider = (
			{
				"npi": make_npi(f"1{self.rng.randrange(10**7, 10**8)}"),
				"first_name": "Ana",
				"last_name": "Rivera",
			}
			if self.rng.random() < 0.5
			else {
				"first_name": "Maria",
				"last_name": f"Okafor{self.rng.randrange(500)}",
				"phone": "+17185550143",
			}
		)
		body = {
			"external_id": f"LOAD-{uuid.uuid4().hex}",
			"patient": {"first_name": "Walter", "last_name": "Nowak", "date_of_birth": "1941-03-09"},
			"referring_provider": provider,
			"channel": "EHR / e-Referral",
			"diagnosis": "CHF exacerbation, home health evaluation",
		}
		self.client.post(
			"/api/method/referral_crm.api.intake.create_referral",
			json=body,
			headers={"Authorization": self.me["intake"]["token"]},
			name="intake: create referral",
		)

	@task(1)
	def log_visit(self):
		body = {
			"practice": self.rng.choice(self.me["practices"]),
			"channel": "In Person",
			"outcome": "Spoke with Office Staff",
			"visit_datetime": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
			"user": self.me["liaison"]["user"],
			"remarks": "Dropped off the wound care flyer.",
		}
		self.client.post(
			"/api/resource/Visit",
			json=body,
			headers={"Authorization": self.me["liaison"]["token"]},
			name="desk API: log visit",
		)
