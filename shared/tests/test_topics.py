"""Topics are declared in code and created once, with unlimited retention for the streams."""

from __future__ import annotations

import uuid

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from sirbi_shared.events import EventStream, ensure_topics
from tests.support.infra import Infrastructure


async def test_stream_topics_are_created_once_and_kept_forever(infra: Infrastructure) -> None:
    stream = EventStream("topictest" + uuid.uuid4().hex[:8], partitions=4)
    assert sorted(await ensure_topics(infra.kafka_bootstrap, stream.topics())) == sorted(
        [stream.topic, stream.dead_letter_topic]
    )
    assert await ensure_topics(infra.kafka_bootstrap, stream.topics()) == []

    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        described = {
            t["topic"]: t for t in await admin.describe_topics([stream.topic, stream.dead_letter_topic])
        }
        assert len(described[stream.topic]["partitions"]) == 4
        assert len(described[stream.dead_letter_topic]["partitions"]) == 1
        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, stream.topic)])
        entries = {entry[0]: entry[1] for entry in configs[0].resources[0][4]}
        assert entries["retention.ms"] == "-1"
        assert entries["retention.bytes"] == "-1"
    finally:
        await admin.close()
