"""Topics declared in code and created at start-up, so a fresh broker is ready for every stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: Mapping[str, str] = field(default_factory=dict)

    def prefixed(self, prefix: str) -> TopicSpec:
        return TopicSpec(prefix + self.name, self.partitions, self.config)


async def ensure_topics(
    bootstrap_servers: str, specs: Iterable[TopicSpec], *, replication_factor: int = 1
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created. Existing ones are kept."""
    wanted = {spec.name: spec for spec in specs}
    if not wanted:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [spec for name, spec in wanted.items() if name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(
                    name=spec.name,
                    num_partitions=spec.partitions,
                    replication_factor=replication_factor,
                    topic_configs=dict(spec.config),
                )
                for spec in missing
            ]
        )
        created: list[str] = []
        for topic_error in response.topic_errors:
            name, code = topic_error[0], topic_error[1]
            if code == 0:
                created.append(name)
                continue
            error = for_code(code)
            if error is TopicAlreadyExistsError:
                continue  # another replica created it between our list and create
            raise error(f"creating topic {name}: {topic_error[2:] or ''}")
        if created:
            log.info("created Kafka topics", extra={"topics": created})
        return created
    finally:
        await admin.close()


async def wait_for_topics(bootstrap_servers: str, names: Iterable[str], *, poll_seconds: float = 1.0) -> None:
    """Return once every topic exists. A consumer of another service's stream waits here for its
    owner to declare it: subscribed to a topic that does not exist yet, a consumer would only
    notice it on its next metadata refresh, minutes later."""
    wanted = set(names)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    await admin.start()
    try:
        logged = False
        while missing := wanted - set(await admin.list_topics()):
            if not logged:
                log.info("waiting for topics to be declared", extra={"topics": sorted(missing)})
                logged = True
            await asyncio.sleep(poll_seconds)
    finally:
        await admin.close()
