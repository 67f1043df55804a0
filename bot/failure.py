"""What a command of `python -m bot …` raises when it cannot do its job: the message is
printed as one line and the process exits with `code`."""


class Failure(Exception):
    """A command that cannot do its job; the message is printed as one line."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code
