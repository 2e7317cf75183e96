"""Voice calls through a provider: place and end calls, build the call-flow documents the provider
fetches, check that a webhook really came from the provider, fetch and delete recordings.

No Frappe here. `VoiceProvider` is the whole surface the CRM uses, so another provider (Telnyx,
Vonage) is one more class with the same methods; `TwilioVoice` implements it with the official
`twilio` package (REST client, TwiML builders, request validator).
"""

from dataclasses import dataclass, field
from typing import Protocol

import requests

TIMEOUT_SECONDS = 20
TWILIO_API = "https://api.twilio.com"


class VoiceProviderError(Exception):
	"""The provider refused or could not be reached; the message is safe to show a person."""


@dataclass
class OutboundCall:
	"""One call to place. URLs carry only the CRM's call id: no names, no patient data."""

	to: str
	caller_id: str
	answer_url: str
	status_url: str
	send_digits: str = ""
	machine_detection: bool = False
	timeout: int = 25


@dataclass
class Bridge:
	"""What a leg does once answered: join a room, or dial a number with the agency's caller id."""

	number: str = ""
	caller_id: str = ""
	send_digits: str = ""
	room: str = ""
	end_room_on_exit: bool = False
	say_first: str = ""
	whisper_url: str = ""
	action_url: str = ""
	record: bool = False
	recording_url: str = ""
	timeout: int = 25
	extra: dict = field(default_factory=dict)


class VoiceProvider(Protocol):
	name: str

	def place_call(self, call: OutboundCall) -> str: ...

	def end_call(self, call_id: str) -> None: ...

	def is_genuine(self, url: str, params: dict, signature: str | None) -> bool: ...

	def bridge(self, bridge: Bridge) -> str: ...

	def voicemail(self, message_url: str | None) -> str: ...

	def say(self, text: str, hang_up: bool = True) -> str: ...

	def fetch_recording(self, recording_url: str) -> bytes: ...

	def delete_recording(self, recording_id: str) -> None: ...


class TwilioVoice:
	"""Twilio Programmable Voice. `api_base_url` points the REST client elsewhere (a regional edge,
	or a local stand-in in tests); empty means api.twilio.com."""

	name = "Twilio"

	def __init__(self, account_sid: str, auth_token: str, api_base_url: str | None = None):
		self.account_sid = account_sid
		self.auth_token = auth_token
		self.api_base_url = (api_base_url or TWILIO_API).rstrip("/")

	def _client(self):
		from twilio.http.http_client import TwilioHttpClient
		from twilio.rest import Client

		base = self.api_base_url

		class BaseUrlHttpClient(TwilioHttpClient):
			def request(self, method, url, *args, **kwargs):
				if base != TWILIO_API and url.startswith(TWILIO_API):
					url = base + url[len(TWILIO_API) :]
				return super().request(method, url, *args, **kwargs)

		return Client(
			self.account_sid,
			self.auth_token,
			http_client=BaseUrlHttpClient(timeout=TIMEOUT_SECONDS),
		)

	def _call_api(self, action):
		from twilio.base.exceptions import TwilioException, TwilioRestException

		try:
			return action(self._client())
		except TwilioRestException as e:
			raise VoiceProviderError(f"Twilio refused the request (HTTP {e.status}, error {e.code}): {e.msg}")
		except (TwilioException, requests.RequestException) as e:
			raise VoiceProviderError(f"Twilio could not be reached ({e.__class__.__name__})")

	def place_call(self, call: OutboundCall) -> str:
		options = {
			"to": call.to,
			"from_": call.caller_id,
			"url": call.answer_url,
			"method": "POST",
			"status_callback": call.status_url,
			"status_callback_method": "POST",
			"status_callback_event": ["initiated", "ringing", "answered", "completed"],
			"timeout": call.timeout,
		}
		if call.send_digits:
			options["send_digits"] = call.send_digits
		if call.machine_detection:
			# After the greeting's beep, so a dropped message lands on the recording, not over the greeting.
			options["machine_detection"] = "DetectMessageEnd"
		return self._call_api(lambda client: client.calls.create(**options).sid)

	def end_call(self, call_id: str) -> None:
		self._call_api(lambda client: client.calls(call_id).update(status="completed"))

	def is_genuine(self, url: str, params: dict, signature: str | None) -> bool:
		from twilio.request_validator import RequestValidator

		if not signature or not self.auth_token:
			return False
		return RequestValidator(self.auth_token).validate(url, params, signature)

	def bridge(self, bridge: Bridge) -> str:
		from twilio.twiml.voice_response import Dial, VoiceResponse

		response = VoiceResponse()
		if bridge.say_first:
			response.say(bridge.say_first)
		options = {"timeout": bridge.timeout}
		if bridge.action_url:
			options.update(action=bridge.action_url, method="POST")
		if bridge.caller_id:
			options["caller_id"] = bridge.caller_id
		recording = {}
		if bridge.record and bridge.recording_url:
			recording = {
				"recording_status_callback": bridge.recording_url,
				"recording_status_callback_method": "POST",
				"recording_status_callback_event": "completed",
			}
		if bridge.room:
			dial = Dial(**options)
			dial.conference(
				bridge.room,
				start_conference_on_enter=True,
				end_conference_on_exit=bridge.end_room_on_exit,
				beep=False,
				wait_url="",
				**({"record": "record-from-start", **recording} if recording else {}),
			)
		else:
			if recording:
				options.update(record="record-from-answer-dual", **recording)
			dial = Dial(**options)
			number = {"send_digits": bridge.send_digits} if bridge.send_digits else {}
			if bridge.whisper_url:
				number.update(url=bridge.whisper_url, method="POST")
			dial.number(bridge.number, **number)
		response.append(dial)
		return str(response)

	def voicemail(self, message_url: str | None) -> str:
		from twilio.twiml.voice_response import VoiceResponse

		response = VoiceResponse()
		if message_url:
			response.play(message_url)
		response.hangup()
		return str(response)

	def say(self, text: str, hang_up: bool = True) -> str:
		from twilio.twiml.voice_response import VoiceResponse

		response = VoiceResponse()
		if text:
			response.say(text)
		if hang_up:
			response.hangup()
		return str(response)

	def fetch_recording(self, recording_url: str) -> bytes:
		url = recording_url if recording_url.endswith(".mp3") else recording_url + ".mp3"
		if self.api_base_url != TWILIO_API and url.startswith(TWILIO_API):
			url = self.api_base_url + url[len(TWILIO_API) :]
		try:
			response = requests.get(url, auth=(self.account_sid, self.auth_token), timeout=TIMEOUT_SECONDS)
		except requests.RequestException as e:
			raise VoiceProviderError(f"Twilio could not be reached ({e.__class__.__name__})")
		if response.status_code != 200:
			raise VoiceProviderError(f"Twilio answered HTTP {response.status_code} for the recording")
		return response.content

	def delete_recording(self, recording_id: str) -> None:
		self._call_api(lambda client: client.recordings(recording_id).delete())


PROVIDERS = {"Twilio": TwilioVoice}
