"""Webhooks: integration clients subscribe to platform events and receive them signed over HTTP."""
