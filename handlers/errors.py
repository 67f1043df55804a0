"""What a user asked that cannot be done as asked.

Raised anywhere a request is refused for a reason the user can act on (a wrong number, a unit
they may not see, a change already made by someone else): the message is the reply. The
conversation core turns it into that reply in one place; a form's step shows the question
again with it. Raise it before writing anything: the update's other writes are kept.
"""


class UserError(Exception):
    """The message is what the user reads."""
