"""Fixtures for every test folder (shared/, services/*/, tests/): real Kafka and PostgreSQL."""

pytest_plugins = ["tests.support.fixtures"]
