"""A small async client for the Zalo Bot Platform API (`<base>/bot<TOKEN>/<method>`, POST JSON).

One aiohttp session for all calls, a timeout on each, and retries with backoff on network
errors and 5xx answers. Errors the platform reports come out as `ZaloError`.
"""

import asyncio
import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

NO_UPDATE = 408  # getUpdates: nothing arrived within the poll timeout


class ZaloError(Exception):
    def __init__(self, code: int, description: str, retry_after: float | None = None):
        super().__init__(f"Zalo API error {code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after


class ZaloNetworkError(Exception):
    """The API could not be reached (or answered 5xx) after every retry."""


class ZaloApi:
    def __init__(
        self,
        token: str,
        *,
        api_base: str = "https://bot-api.zaloplatforms.com",
        timeout: float = 15,
        retries: int = 3,
        backoff: float = 0.5,
    ):
        self._url = f"{api_base.rstrip('/')}/bot{token}/"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(
        self,
        method: str,
        payload: dict | None = None,
        *,
        timeout: float | None = None,
        retries: int | None = None,
    ) -> Any:
        attempts = retries or self.retries
        for attempt in range(1, attempts + 1):
            try:
                return await self._once(method, payload or {}, timeout or self.timeout)
            except ZaloNetworkError as error:
                if attempt == attempts:
                    raise
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("Zalo %s failed (%s); retry %d in %.1fs", method, error, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _once(self, method: str, payload: dict, timeout: float) -> Any:
        try:
            async with self._client().post(
                self._url + method, json=payload, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                if response.status >= 500:
                    raise ZaloNetworkError(f"HTTP {response.status}")
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    raise ZaloError(response.status, "response is not JSON") from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ZaloNetworkError(str(error) or type(error).__name__) from None
        if not isinstance(body, dict):
            raise ZaloError(response.status, "unexpected response")
        if body.get("ok"):
            return body.get("result")
        code = body.get("error_code") or response.status
        retry_after = (body.get("parameters") or {}).get("retry_after")
        raise ZaloError(int(code), str(body.get("description") or ""), retry_after)

    # -- methods -----------------------------------------------------------------------

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = 30) -> dict | None:
        """One update, or None when none arrived within `timeout` seconds."""
        try:
            # The HTTP timeout outlasts the long poll; the polling loop does its own backoff.
            return await self.call(
                "getUpdates", {"timeout": timeout}, timeout=timeout + 10, retries=1
            )
        except ZaloError as error:
            if error.code == NO_UPDATE:
                return None
            raise

    async def send_message(self, chat_id: str, text: str, *, retries: int | None = None) -> dict:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text}, retries=retries)

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str = "", *, retries: int | None = None
    ) -> dict:
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload, retries=retries)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action}, retries=1)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Any:
        return await self.call("getWebhookInfo")
