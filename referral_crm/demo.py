"""A realistic agency in one command: New York City territories by ZIP, staff in every role,
practices, providers, office staff, a year of visits and referrals with seasonality and sources
that grow, decline and go quiet, then the weekly figures, alerts and last month's commissions.

Deterministic for a given seed and day. Rows are bulk-written, then the app's own functions
derive what controllers would (territories, stages, owners, roll-ups)."""

import math
import random
from datetime import datetime, timedelta

import frappe
import zipcodes
from frappe.utils import add_months, get_first_day, getdate, now_datetime
from frappe.utils.nestedset import rebuild_tree
from frappe.utils.password import update_password

from referral_crm.core.referral_sources.npi import make_npi
from referral_crm.core.referrals.referral import NON_ADMIT_REASONS
from referral_crm.core.weeks import week_start
from referral_crm.referral_sources.accounts import derive_owners, territory_members
from referral_crm.referral_sources.rollups import fill_received_dates
from referral_crm.referral_sources.territories import territory_for_zip
from referral_crm.settings import first_weekday, note_sla_hours

PASSWORD = "Demo#Referral2026"
DOMAIN = "demo.referral-crm.example"
BOROUGHS = {
	"Bronx": "Bronx County",
	"Manhattan": "New York County",
	"Brooklyn": "Kings County",
	"Queens": "Queens County",
	"Staten Island": "Richmond County",
}
AREA_CODES = ("718", "347", "929", "212", "646", "917")
STREETS = (
	"Grand Concourse",
	"Fordham Rd",
	"Broadway",
	"Atlantic Ave",
	"Queens Blvd",
	"Flatbush Ave",
	"Lexington Ave",
	"Jamaica Ave",
	"Victory Blvd",
	"Tremont Ave",
	"Northern Blvd",
	"Ocean Pkwy",
)
PLACE_WORDS = (
	"Concourse",
	"Parkside",
	"Riverside",
	"Harbor",
	"Lenox",
	"Bay Ridge",
	"Astoria",
	"Flushing",
	"Fordham",
	"Hudson",
	"Pelham",
	"Kings",
	"Empire",
	"Liberty",
	"Crescent",
	"Highbridge",
	"Midwood",
)
PRACTICE_KINDS = (
	("Family Medicine", "Primary Care", "Family Medicine"),
	("Internal Medicine", "Primary Care", "Internal Medicine"),
	("Medical Associates", "Multi-Specialty Group", "Internal Medicine"),
	("Cardiology", "Specialty Practice", "Cardiovascular Disease"),
	("Pulmonary Associates", "Specialty Practice", "Pulmonary Disease"),
	("Infectious Disease", "Specialty Practice", "Infectious Disease"),
	("Nephrology", "Specialty Practice", "Nephrology"),
	("Geriatrics", "Primary Care", "Geriatric Medicine"),
	("Orthopedics", "Specialty Practice", "Orthopaedic Surgery"),
	("Oncology", "Specialty Practice", "Hematology & Oncology"),
)
FIRST = (
	"Ana",
	"David",
	"Maria",
	"James",
	"Priya",
	"Wei",
	"Fatima",
	"Luis",
	"Grace",
	"Samuel",
	"Olga",
	"Kwame",
	"Rachel",
	"Miguel",
	"Aisha",
	"Daniel",
	"Mei",
	"Joseph",
	"Elena",
	"Omar",
)
LAST = (
	"Rivera",
	"Cohen",
	"Nguyen",
	"Patel",
	"Okafor",
	"Smith",
	"Garcia",
	"Kim",
	"Rosen",
	"Haddad",
	"Lopez",
	"Chen",
	"Williams",
	"Singh",
	"Brown",
	"Ortiz",
	"Goldberg",
	"Ali",
	"Johnson",
	"Morales",
)
DIAGNOSES = (
	"CHF exacerbation",
	"COPD, home oxygen",
	"Post-op knee replacement",
	"Wound care, diabetic foot ulcer",
	"IV antibiotics, osteomyelitis",
	"Stroke rehabilitation",
	"End-stage renal disease",
	"Falls, deconditioning",
)
OFFICE_ROLES = ("Office Manager", "Front Desk", "Referral Coordinator", "Nurse", "Scheduler")


class Demo:
	def __init__(self, practices: int, providers_per_practice: float, referrals: int, visits: int, seed: int):
		self.rng = random.Random(seed)
		self.sizes = (practices, providers_per_practice, referrals, visits)
		self.now = now_datetime().replace(microsecond=0)
		self.stamp = self.now

	# -------------------------------------------------------------- helpers
	def phone(self) -> str:
		return f"+1{self.rng.choice(AREA_CODES)}{self.rng.randint(2, 9)}{self.rng.randint(0, 99):02d}{self.rng.randint(0, 9999):04d}"

	def npi(self, first: str, used: set) -> str:
		"""A valid NPI no record on the site has (`used` starts as every NPI already stored)."""
		while True:
			npi = make_npi(first + "".join(str(self.rng.randint(0, 9)) for _ in range(8)))
			if npi not in used:
				used.add(npi)
				return npi

	def used_npis(self) -> set:
		return set(frappe.get_all("Practice", filters={"npi": ("is", "set")}, pluck="npi")) | set(
			frappe.get_all("Provider", filters={"npi": ("is", "set")}, pluck="npi")
		)

	def std(self, name: str) -> list:
		return [name, self.stamp, self.stamp, "Administrator", "Administrator", 0]

	STD = ["name", "creation", "modified", "owner", "modified_by", "docstatus"]

	def insert(self, doctype: str, fields: list[str], rows: list[list]) -> None:
		frappe.db.bulk_insert(doctype, self.STD + fields, rows, chunk_size=5000)

	# -------------------------------------------------------------- parts
	def users(self) -> dict:
		staff = {
			"Referral Marketing Manager": ["manager"],
			"Referral Analyst": ["analyst"],
			"Intake Coordinator": ["intake"],
			"Appointment Setter": ["setter"],
		}
		staff["Physician Liaison"] = [f"liaison.{b.lower().replace(' ', '')}" for b in BOROUGHS]
		staff["Referral Coordinator"] = ["coordinator.north", "coordinator.south"]
		out = {}
		for role, names in staff.items():
			for login in names:
				email = f"{login}@{DOMAIN}"
				if not frappe.db.exists("User", email):
					user = frappe.get_doc(
						{
							"doctype": "User",
							"email": email,
							"first_name": login.split(".")[0].title(),
							"last_name": (login.split(".")[1].title() if "." in login else "Demo"),
							"send_welcome_email": 0,
						}
					)
					user.flags.no_welcome_mail = True
					user.insert(ignore_permissions=True)
					user.add_roles(role)
					update_password(email, PASSWORD)
				out.setdefault(role, []).append(email)
		return out

	def territories(self, users: dict) -> dict[str, list[dict]]:
		zips_by_borough = {
			b: [
				z
				for z in zipcodes.filter_by(state="NY")
				if z["county"] == county and z["zip_code_type"] == "STANDARD"
			]
			for b, county in BOROUGHS.items()
		}
		if not frappe.db.exists("Referral Territory", "New York City"):
			frappe.get_doc(
				{
					"doctype": "Referral Territory",
					"territory_name": "New York City",
					"is_group": 1,
					"members": [
						{"user": users["Appointment Setter"][0], "territory_role": "Appointment Setter"}
					],
				}
			).insert()
		for index, borough in enumerate(BOROUGHS):
			if frappe.db.exists("Referral Territory", borough):
				continue
			frappe.get_doc(
				{
					"doctype": "Referral Territory",
					"territory_name": borough,
					"parent_referral_territory": "New York City",
					"zip_codes": [{"zip_code": z["zip_code"]} for z in zips_by_borough[borough]],
					"members": [
						{"user": users["Physician Liaison"][index], "territory_role": "Physician Liaison"},
						{
							"user": users["Referral Coordinator"][index % 2],
							"territory_role": "Referral Coordinator",
						},
						{"user": users["Appointment Setter"][0], "territory_role": "Appointment Setter"},
					],
				}
			).insert()
		return zips_by_borough

	def practices(self, zips_by_borough) -> list[dict]:
		count = self.sizes[0]
		used = self.used_npis()
		boroughs = list(BOROUGHS)
		weights = (0.22, 0.26, 0.22, 0.22, 0.08)
		rows, out, specialties, insurances = [], [], [], []
		organisation = None
		territory_of: dict[str, str] = {}
		for i in range(1, count + 1):
			borough = self.rng.choices(boroughs, weights)[0]
			z = self.rng.choice(zips_by_borough[borough])
			if z["zip_code"] not in territory_of:
				territory_of[z["zip_code"]] = territory_for_zip(z["zip_code"]) or borough
			territory = territory_of[z["zip_code"]]
			word, practice_type, specialty = self.rng.choice(PRACTICE_KINDS)
			name = f"PRAC-D{i:05d}"
			practice_name = f"{self.rng.choice(PLACE_WORDS)} {word}"
			lat = float(z["lat"]) + self.rng.uniform(-0.006, 0.006)
			lng = float(z["long"]) + self.rng.uniform(-0.006, 0.006)
			is_group = 1 if i % 40 == 1 else 0
			parent = organisation if i % 40 in (2, 3, 4) else None  # an organisation and its locations
			if is_group:
				organisation = name
			rows.append(
				self.std(name)
				+ [
					practice_name,
					practice_type,
					self.npi("1", used) if i % 3 else None,
					is_group,
					parent,
					"Target",
					territory,
					f"{self.rng.randint(1, 3999)} {self.rng.choice(STREETS)}",
					z["city"].title(),
					"NY",
					z["zip_code"],
					round(lat, 6),
					round(lng, 6),
					self.phone(),
					self.phone(),
					0,
					0,
				]
			)
			specialties.append(
				self.std(frappe.generate_hash(length=10)) + [specialty, name, "Practice", "specialties", 1]
			)
			insurances.append(
				self.std(frappe.generate_hash(length=10))
				+ ["Medicare", name, "Practice", "insurances_accepted", 1]
			)
			out.append(
				{
					"name": name,
					"borough": borough,
					"territory": territory,
					"specialty": specialty,
					"is_group": is_group,
					"practice_name": practice_name,
				}
			)
		self.insert(
			"Practice",
			[
				"practice_name",
				"practice_type",
				"npi",
				"is_group",
				"parent_practice",
				"account_stage",
				"referral_territory",
				"address_line1",
				"city",
				"state",
				"zip_code",
				"latitude",
				"longitude",
				"phone",
				"fax",
				"lft",
				"rgt",
			],
			rows,
		)
		child = ["parent", "parenttype", "parentfield", "idx"]
		self.insert("Practice Specialty", ["specialty", *child], specialties)
		self.insert("Practice Insurance", ["insurance_payer", *child], insurances)
		rebuild_tree("Practice")
		return out

	def providers(self, practices) -> dict[str, list[str]]:
		used = self.used_npis()
		rows, links, by_practice = [], [], {}
		n = 0
		for practice in practices:
			for _ in range(max(1, round(self.rng.expovariate(1 / self.sizes[1])))):
				n += 1
				name = f"PROV-D{n:06d}"
				first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
				credential = self.rng.choices(("MD", "DO", "NP", "PA-C"), (0.7, 0.1, 0.15, 0.05))[0]
				specialty = practice["specialty"]
				rows.append(
					self.std(name)
					+ [
						first,
						last,
						credential,
						f"{first} {last}, {credential}",
						self.npi("1", used),
						specialty,
						1
						if specialty in ("Family Medicine", "Internal Medicine", "Geriatric Medicine")
						else 0,
						practice["name"],
						practice["territory"],
						self.phone(),
					]
				)
				links.append(
					self.std(frappe.generate_hash(length=10))
					+ [practice["name"], practice["practice_name"], 1, name, "Provider", "practices", 1]
				)
				by_practice.setdefault(practice["name"], []).append(name)
		self.insert(
			"Provider",
			[
				"first_name",
				"last_name",
				"credential",
				"provider_name",
				"npi",
				"specialty",
				"is_pcp",
				"primary_practice",
				"referral_territory",
				"phone",
			],
			rows,
		)
		self.insert(
			"Provider Practice",
			["practice", "practice_name", "is_primary", "parent", "parenttype", "parentfield", "idx"],
			links,
		)
		return by_practice

	def contacts(self, practices) -> None:
		contacts, links, roles = [], [], []
		for i, practice in enumerate(practices, start=1):
			name = f"CONT-D{i:05d}"
			first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
			contacts.append(self.std(name) + [first, last, f"{first} {last}", "Passive"])
			links.append(
				self.std(frappe.generate_hash(length=10))
				+ ["Practice", practice["name"], name, "Contact", "links", 1]
			)
			roles.append(
				self.std(frappe.generate_hash(length=10))
				+ [self.rng.choice(OFFICE_ROLES), name, "Contact", "office_roles", 1]
			)
		self.insert("Contact", ["first_name", "last_name", "full_name", "status"], contacts)
		self.insert(
			"Dynamic Link", ["link_doctype", "link_name", "parent", "parenttype", "parentfield", "idx"], links
		)
		self.insert(
			"Contact Office Role", ["office_role", "parent", "parenttype", "parentfield", "idx"], roles
		)

	def visits(self, practices, users) -> None:
		liaison_of = {b: users["Physician Liaison"][i] for i, b in enumerate(BOROUGHS)}
		setter = users["Appointment Setter"][0]
		outcomes = (
			"Spoke with Office Staff",
			"Left Materials",
			"Spoke with Provider",
			"Meeting Scheduled",
			"Referral Promised",
			"No Answer",
			"Left Voicemail",
		)
		rows = []
		touched = practices[: max(1, len(practices) * 3 // 5)]  # the rest are untouched targets
		for i in range(1, self.sizes[3] + 1):
			practice = self.rng.choice(touched)
			when = self.now - timedelta(days=self.rng.uniform(0, 365))
			when = when.replace(
				hour=self.rng.randint(9, 16), minute=self.rng.choice((0, 15, 30, 45)), second=0
			)
			if self.rng.random() < 0.45:
				user, channel = setter, self.rng.choice(("Phone Call", "Fax", "Phone Call", "Email"))
			else:
				user, channel = (
					liaison_of[practice["borough"]],
					self.rng.choice(("In Person", "In Person", "Drop Off", "Lunch and Learn")),
				)
			outcome = "Sent" if channel in ("Fax", "Email") else self.rng.choice(outcomes)
			rows.append(
				self.std(f"VIS-D{i:06d}")
				+ [
					practice["name"],
					practice["practice_name"],
					channel,
					outcome,
					when,
					user,
					practice["territory"],
					"Follow up on referral pads" if outcome == "Meeting Scheduled" else None,
				]
			)
		self.insert(
			"Visit",
			[
				"practice",
				"practice_name",
				"channel",
				"outcome",
				"visit_datetime",
				"user",
				"referral_territory",
				"next_step",
			],
			rows,
		)
		self.follow_ups()

	def follow_ups(self) -> None:
		"""The last month's meetings and promises get a follow-up a week later; the older ones are overdue."""
		recent = frappe.get_all(
			"Visit",
			filters={
				"name": ("like", "VIS-D%"),
				"outcome": ("in", ("Meeting Scheduled", "Referral Promised")),
				"visit_datetime": (">=", self.now - timedelta(days=30)),
			},
			pluck="name",
			order_by="name",  # the visits were numbered in random date order: a spread over the month
			limit=80,
		)
		for name in recent:
			visit = frappe.get_doc("Visit", name)
			visit.follow_up_date = getdate(visit.visit_datetime) + timedelta(days=7)
			visit.next_step = visit.next_step or "Ask how the promised referral is going"
			visit.save()

	def referrals(self, practices, providers) -> None:
		total = self.sizes[2]
		sources = self.rng.sample(practices, k=max(1, len(practices) // 3))
		rates = [self.rng.gammavariate(0.8, 1.0) for _ in sources]
		trends = [
			self.rng.choices(("steady", "growing", "declining", "quiet"), (0.75, 0.1, 0.1, 0.05))[0]
			for _ in sources
		]
		# Among the busiest sources (the ones a manager would miss), some spike or go quiet
		# in the week the alert job judges, so the workspace opens on alerts to act on.
		busiest = sorted(range(len(sources)), key=lambda i: -rates[i])[:9]
		for index, trend in zip(busiest, ["spike", "quiet"] * 5, strict=False):
			trends[index] = trend
			# Sources that send a few a week: a change there is plain enough to alert on among
			# thousands judged together (a source sending one a month going quiet is not news).
			rates[index] *= 4
		weeks = 52
		this_week = week_start(self.now, first_weekday())
		weight = []
		for s, (rate, trend) in enumerate(zip(rates, trends, strict=True)):
			for w in range(weeks):
				season = 1 + 0.2 * math.cos(
					2 * math.pi * ((this_week - timedelta(weeks=weeks - w)).isocalendar()[1] - 2) / 52
				)
				# The alert job judges the last complete week (weeks - 2; weeks - 1 is this one).
				shape = {
					"growing": 0.4 + 1.2 * w / weeks,
					"declining": 1.6 - 1.2 * w / weeks,
					"quiet": 0.0 if w >= weeks - 5 else 1.0,
					"spike": 6.0 if w == weeks - 2 else 1.0,
				}.get(trend, 1.0)
				weight.append((s, w, rate * season * shape))
		scale = total / sum(x for _, _, x in weight)
		rows = []
		n = 0
		for s, w, x in weight:
			practice = sources[s]
			for _ in range(self._poisson(x * scale)):
				n += 1
				received = datetime.combine(
					this_week - timedelta(weeks=weeks - 1 - w), datetime.min.time()
				) + timedelta(hours=self.rng.uniform(8, 24 * 6 + 17))
				if received > self.now:
					received = self.now - timedelta(hours=self.rng.uniform(1, 48))
				rows.append(self._referral(n, practice, providers.get(practice["name"]) or [None], received))
		self.insert(
			"Referral",
			[
				"received_at",
				"channel",
				"service_line",
				"status",
				"referring_practice",
				"referring_provider",
				"referral_territory",
				"patient_first_name",
				"patient_last_name",
				"patient_date_of_birth",
				"diagnosis",
				"insurance_payer",
				"non_admit_reason",
				"accepted_at",
				"admitted_at",
				"start_of_care",
				"discharged_at",
				"visit_note_sent_at",
			],
			rows,
		)
		fill_received_dates()

	def _poisson(self, mean: float) -> int:
		limit, k, p = math.exp(-mean), 0, 1.0
		while True:
			p *= self.rng.random()
			if p <= limit:
				return k
			k += 1

	def _referral(self, n, practice, providers, received):
		age_days = (self.now - received).days
		status = "Received"
		accepted = admitted = soc = discharged = note = reason = None
		if age_days > 10:
			status = self.rng.choices(
				("Discharged", "Admitted", "Not Admitted", "Cancelled"), (0.35, 0.3, 0.3, 0.05)
			)[0]
		elif age_days > 2:
			status = self.rng.choices(
				("In Review", "Accepted", "Scheduled", "Admitted", "Not Admitted"), (0.2, 0.2, 0.2, 0.3, 0.1)
			)[0]
		if status in ("Accepted", "Scheduled", "Admitted", "Discharged"):
			accepted = received + timedelta(hours=self.rng.uniform(1, 20))
		if status in ("Admitted", "Discharged"):
			admitted = accepted + timedelta(hours=self.rng.uniform(2, 30))
			soc = admitted + timedelta(hours=self.rng.uniform(0, 48))
			late = self.rng.random()
			if late > 0.05:
				note = soc + timedelta(
					hours=self.rng.uniform(4, 40) if late > 0.25 else self.rng.uniform(50, 120)
				)
				note = min(note, self.now)
			elif self.now - soc > timedelta(days=10):
				note = soc + timedelta(
					days=7
				)  # forgotten, then sent: only the last days' notes are still due
		if status == "Discharged":
			discharged = soc + timedelta(days=self.rng.uniform(20, 60))
			if discharged > self.now:
				status, discharged = "Admitted", None
		if status == "Not Admitted":
			reason = self.rng.choices(NON_ADMIT_REASONS, (0.3, 0.1, 0.2, 0.15, 0.1, 0.1, 0.05))[0]
		dob = datetime(1930, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 60))
		return self.std(f"REF-D{n:07d}") + [
			received,
			self.rng.choices(("Fax", "Phone", "EHR / e-Referral", "Email"), (0.55, 0.2, 0.2, 0.05))[0],
			self.rng.choices(("Home Health", "Hospice", "Home Infusion"), (0.7, 0.2, 0.1))[0],
			status,
			practice["name"],
			self.rng.choice(providers),
			practice["territory"],
			self.rng.choice(FIRST),
			self.rng.choice(LAST),
			dob.date(),
			self.rng.choice(DIAGNOSES),
			"Medicare",
			reason,
			accepted,
			admitted,
			soc,
			discharged,
			note,
		]

	# -------------------------------------------------------------- derived state
	def derive(self) -> None:
		"""What controllers keep current one record at a time, done once for the bulk-written rows."""
		frappe.db.sql(
			"""update `tabPractice` p join (
				select referring_practice, count(*) total, sum(status in ('Admitted', 'Discharged')) admitted,
					date(max(received_at)) last_date
				from `tabReferral` where status != 'Cancelled' and name like %(demo)s group by referring_practice
			) r on r.referring_practice = p.name
			set p.total_referrals = r.total, p.admitted_referrals = r.admitted, p.last_referral_date = r.last_date""",
			{"demo": "REF-D%"},
		)
		frappe.db.sql(
			"""update `tabProvider` d join (
				select referring_provider, count(*) total, date(max(received_at)) last_date
				from `tabReferral` where status != 'Cancelled' and name like %(demo)s group by referring_provider
			) r on r.referring_provider = d.name set d.total_referrals = r.total, d.last_referral_date = r.last_date""",
			{"demo": "REF-D%"},
		)
		frappe.db.sql(
			"""update `tabPractice` p join (
				select v.practice, v.visit_datetime, v.outcome, v.next_step from `tabVisit` v join (
					select practice, max(visit_datetime) latest from `tabVisit` where name like %(demo)s group by practice
				) m on m.practice = v.practice and m.latest = v.visit_datetime
			) l on l.practice = p.name
			set p.last_contact_date = date(l.visit_datetime), p.last_outcome = l.outcome, p.next_step = l.next_step""",
			{"demo": "VIS-D%"},
		)
		frappe.db.sql(
			"""update `tabReferral` set
				visit_note_due_at = start_of_care + interval %(sla)s hour,
				visit_note_status = case
					when visit_note_sent_at is not null and visit_note_sent_at <= start_of_care + interval %(sla)s hour
						then 'Sent on Time'
					when visit_note_sent_at is not null then 'Sent Late'
					when start_of_care + interval %(sla)s hour < %(now)s then 'Overdue'
					else 'Due' end,
				note_overdue_notified = 1
			where name like %(demo)s and status in ('Admitted', 'Discharged') and start_of_care is not null""",
			{"sla": note_sla_hours(), "now": self.now, "demo": "REF-D%"},
		)
		dormant_after = frappe.db.get_single_value("Referral CRM Settings", "dormant_after_weeks") or 8
		frappe.db.sql(
			"""update `tabPractice` p set p.account_stage = case
				when p.total_referrals > 0 and p.last_referral_date < %(dormant)s then 'Dormant'
				when p.total_referrals > 0 then 'Referring'
				when exists (select 1 from `tabVisit` v where v.practice = p.name and v.outcome in
					('Spoke with Provider', 'Referral Promised')) then 'Engaged'
				when exists (select 1 from `tabVisit` v where v.practice = p.name and v.outcome in
					('Spoke with Office Staff', 'Meeting Scheduled')) then 'Contacted'
				else 'Target' end,
				p.stage_changed_on = %(today)s
			where p.name like %(demo)s""",
			{
				"dormant": (self.now - timedelta(weeks=dormant_after)).date(),
				"today": self.now.date(),
				"demo": "PRAC-D%",
			},
		)
		territories = frappe.get_all(
			"Practice", filters={"name": ("like", "PRAC-D%")}, pluck="referral_territory", distinct=True
		)
		for territory in territories:
			members = territory_members(territory)
			for values in frappe.get_all(
				"Practice",
				filters={"referral_territory": territory},
				fields=[
					"name",
					"account_stage",
					"total_referrals",
					"account_owner",
					"liaison",
					"referral_coordinator",
					"appointment_setter",
				],
			):
				frappe.db.set_value(
					"Practice", values.name, derive_owners(values, members), update_modified=False
				)
		frappe.db.sql(
			"""update `tabReferral` r join `tabPractice` p on p.name = r.referring_practice
			set r.attributed_liaison = p.liaison, r.attributed_coordinator = p.referral_coordinator
			where r.name like %(demo)s""",
			{"demo": "REF-D%"},
		)

	def intelligence(self) -> dict:
		from referral_crm.outreach import visit_days
		from referral_crm.referral_intelligence.alerts import run_weekly_job
		from referral_crm.referral_intelligence.commissions import generate_statements
		from referral_crm.referral_sources.duplicates import DOCTYPES, rebuild_index
		from referral_crm.referrals.weekly import rebuild_all

		rows = rebuild_all()
		visit_days.rebuild_all()  # the records above were written in bulk: count and key them
		for doctype in DOCTYPES:
			rebuild_index(doctype)
		for rule in (
			{
				"rule_name": "Admitted Home Health",
				"basis": "Referral Admitted",
				"amount": 75,
				"service_line": "Home Health",
				"new_account_bonus": 150,
				"hunter_share": 70,
				"farmer_share": 30,
				"eligibility_days": 14,
			},
			{
				"rule_name": "Hospice Start of Care",
				"basis": "Start of Care",
				"amount": 100,
				"service_line": "Hospice",
				"hunter_share": 60,
				"farmer_share": 40,
			},
		):
			if not frappe.db.exists("Commission Rule", rule["rule_name"]):
				frappe.get_doc({"doctype": "Commission Rule", **rule}).insert()
		alerts = run_weekly_job()
		statements = generate_statements(get_first_day(add_months(self.now, -1)))
		return {"weekly rows": rows, "alerts": len(alerts), "statements": len(statements)}

	def today(self, users: dict) -> dict:
		"""What the morning jobs make, so each person's first screen shows a realistic day: work lists,
		each liaison's route, and each setter's queue over their calls."""
		from referral_crm.field.my_day import build_my_days
		from referral_crm.outreach.queue import start_todays_calls
		from referral_crm.outreach.worklists import build_daily_work_lists

		lists = build_daily_work_lists()
		routes = build_my_days()
		queues = []
		for setter in users.get("Appointment Setter", []):
			frappe.set_user(setter)
			try:
				queues.append(start_todays_calls())
			finally:
				frappe.set_user("Administrator")
		return {"work lists": sum(lists.values()), "routes today": len(routes), "call queues": len(queues)}


DEMO_AGENCY = "Five Boroughs Home Health"


def setup_wizard_ran() -> bool:
	"""Frappe 15.74 keeps it per app (Installed Application); 15.41 in System Settings."""
	if hasattr(frappe, "is_setup_complete"):
		return frappe.is_setup_complete()
	return bool(frappe.db.get_single_value("System Settings", "setup_complete"))


def complete_setup_wizard() -> bool:
	"""A new site sends every desk user to the setup wizard until it has run: run it for the demo
	agency (and, with ERPNext, its company), so the desk opens for every demo user."""
	if setup_wizard_ran():
		return False
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate().year
	setup_complete(
		{
			"language": "English",
			"country": "United States",
			"timezone": "America/New_York",
			"currency": "USD",
			# ERPNext's stages make the company; Frappe alone ignores these.
			"company_name": DEMO_AGENCY,
			"company_abbr": "FBHH",
			"chart_of_accounts": "Standard",
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
		}
	)
	return True


def build(
	practices=2000,
	providers_per_practice=3.0,
	referrals=8000,
	visits=20000,
	seed=2026,
	commit=True,
	setup_wizard=False,
) -> dict:
	if frappe.db.exists("Practice", "PRAC-D00001"):
		frappe.throw(frappe._("Demo data is already on this site."))
	wizard = complete_setup_wizard() if setup_wizard else False
	demo = Demo(practices, providers_per_practice, referrals, visits, seed)

	def step(result=None):
		# A large agency is more writes than Frappe allows in one transaction: commit each phase.
		if commit:
			frappe.db.commit()
		return result

	users = step(demo.users())
	zips = step(demo.territories(users))
	practices_made = step(demo.practices(zips))
	providers = step(demo.providers(practices_made))
	step(demo.contacts(practices_made))
	step(demo.visits(practices_made, users))
	step(demo.referrals(practices_made, providers))
	step(demo.derive())
	summary = {
		"practices": frappe.db.count("Practice", {"name": ("like", "PRAC-D%")}),
		"providers": frappe.db.count("Provider", {"name": ("like", "PROV-D%")}),
		"visits": frappe.db.count("Visit", {"name": ("like", "VIS-D%")}),
		"referrals": frappe.db.count("Referral", {"name": ("like", "REF-D%")}),
	}
	summary.update(step(demo.intelligence()))
	summary.update(step(demo.today(users)))
	summary["setup wizard"] = "completed for the demo agency" if wizard else "had already run"
	summary["password"] = PASSWORD
	summary["users"] = ", ".join(sorted(u for group in users.values() for u in group))
	return summary
