"""Per-account message limits: how many messages a minute one platform account gets answered.

A flood (one account sending hundreds of messages) would otherwise cost a database transaction
and a knowledge search each, slowing everyone else down. The check is in memory and runs
before any of that: a message over the limit gets one polite note, then nothing until the
oldest message counted leaves the window.

Strangers (accounts not linked to an official) get a stricter limit than officials. Whether an
account is linked is learned from the database on the messages that are handled, so the check
itself never queries it; an account not seen recently counts as linked (the higher limit)
until its first message is handled, so no official is ever silenced by mistake.

Memory stays bounded: an account is forgotten once a window passes without a message from
it, and at most `capacity` accounts are remembered (the least recently active is dropped).
"""

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

WINDOW = 60.0  # seconds: limits are "per minute"
CAPACITY = 10_000  # accounts remembered at once; beyond it the least recently active goes


class Verdict(Enum):
    ANSWER = "answer"
    WARN = "warn"  # the first message over the limit: one polite note
    DROP = "drop"  # further messages over the limit: silence


@dataclass
class _Sender:
    answered: deque[float] = field(default_factory=deque)  # when, within the window
    linked: bool | None = None  # None: not known yet
    warned: bool = False  # the note was sent since the last answered message


class MessageLimits:
    def __init__(
        self, *, capacity: int = CAPACITY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = capacity
        # A monotonic clock: a wall clock set back would silence everyone for the difference.
        self.clock = clock
        # Least recently active first, so expired senders are found at the front.
        self._senders: OrderedDict[str, _Sender] = OrderedDict()

    def __len__(self) -> int:
        return len(self._senders)

    def check(self, key: str, per_minute: int, stranger_per_minute: int) -> Verdict:
        """Count one message from `key` (limits of 0 mean no limit)."""
        now = self.clock()
        sender = self._senders.pop(key, None) or _Sender()
        self._forget_idle(now)
        self._senders[key] = sender  # now the most recently active
        while sender.answered and now - sender.answered[0] >= WINDOW:
            sender.answered.popleft()
        limit = stranger_per_minute if sender.linked is False else per_minute
        if not limit or len(sender.answered) < limit:
            sender.answered.append(now)
            sender.warned = False
            while len(sender.answered) > max(per_minute, stranger_per_minute, 1):
                sender.answered.popleft()  # no limit: only the latest is needed
            return Verdict.ANSWER
        if sender.warned:
            return Verdict.DROP
        sender.warned = True
        return Verdict.WARN

    def learn(self, key: str, linked: bool) -> None:
        """Whether `key` is linked to an official, as the database said on its last message."""
        if (sender := self._senders.get(key)) is not None:
            sender.linked = linked

    def _forget_idle(self, now: float) -> None:
        """Drop, from the least recently active on, the senders with nothing left in the
        window, and as many more as needed to make room for one."""
        while self._senders:
            key, sender = next(iter(self._senders.items()))
            idle = not sender.answered or now - sender.answered[-1] >= WINDOW
            if not idle and len(self._senders) < self.capacity:
                return
            del self._senders[key]
