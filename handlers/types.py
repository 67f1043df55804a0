"""The seam between channels and the conversation."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    """A photo or document, received (platform file id or URL) or sent (local path)."""

    kind: str  # "photo" | "document"
    file_id: str | None = None
    url: str | None = None
    path: str | None = None
    name: str | None = None
    size: int | None = None  # bytes, when the platform says (before any download)
    # Sent only: where the file is also kept on the web desk («Tải về»), as a one-time login
    # link that opens its download; a channel that cannot send the file itself (Zalo takes no
    # documents, Telegram none over 50 MB) gives the link instead.
    link: str | None = None


@dataclass(frozen=True)
class Choice:
    """An option offered to the user. Its value comes back when it is picked; a value that
    starts with "/" runs that command."""

    label: str
    value: str

    def __post_init__(self) -> None:
        # Telegram carries the value back in callback data, which holds at most 64 bytes.
        if not self.value or len(self.value.encode()) > 64:
            raise ValueError(f"choice value must be 1-64 bytes: {self.value!r}")


@dataclass(frozen=True)
class Incoming:
    channel: str  # "telegram" | "zalo" | "console"
    user_id: str
    chat_id: str
    text: str = ""
    choice: str | None = None  # the value of a pressed button
    attachments: tuple[Attachment, ...] = ()
    update_id: str | None = None
    display_name: str | None = None
    # The number of the question whose button was pressed, when the platform carries it
    # back (Telegram): a button of an older message is then known as such.
    question: int | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = field(default=())
    attachment: Attachment | None = None
    question: int | None = None  # set by the conversation on the reply with the latest choices


# How a channel fetches the bytes of a file a user sent (platforms that can).
Download = Callable[[Attachment], Awaitable[bytes]]
# How a channel sends a reply to the chat an update came from, after the update's own replies
# (what a background job makes, when it is ready).
Push = Callable[[Reply], Awaitable[object]]
