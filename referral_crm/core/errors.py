class DomainError(ValueError):
	"""A rule of the domain was broken; the message is fit to show a user (before translation)."""


class InvalidNPIError(DomainError):
	pass


class InvalidPhoneNumberError(DomainError):
	pass


class InvalidZipCodeError(DomainError):
	pass


class UnreadableFileError(DomainError):
	pass
