"""A cheap "is Kafka there?" check for readiness: a metadata round-trip on a kept client."""

from __future__ import annotations

from aiokafka import AIOKafkaClient


class KafkaProbe:
    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._client: AIOKafkaClient | None = None

    async def check(self) -> None:
        if self._client is None:
            client = AIOKafkaClient(bootstrap_servers=self.bootstrap_servers, request_timeout_ms=2000)
            try:
                await client.bootstrap()
            except Exception:
                await client.close()
                raise
            self._client = client
        await self._client.fetch_all_metadata()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
