"""HTTP sessions for outside services: bounded retries with backoff, never an endless wait."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def retrying_session(retries: int = 3, backoff_factor: float = 0.5) -> requests.Session:
	"""A session that retries connection errors and 429/5xx answers with exponential backoff."""
	retry = Retry(
		total=retries,
		connect=retries,
		read=retries,
		status=retries,
		backoff_factor=backoff_factor,
		status_forcelist=(429, 500, 502, 503, 504),
		allowed_methods=("GET",),
		raise_on_status=False,
	)
	session = requests.Session()
	session.mount("http://", HTTPAdapter(max_retries=retry))
	session.mount("https://", HTTPAdapter(max_retries=retry))
	return session
