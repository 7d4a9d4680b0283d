"""The documentation the gateway serves: one OpenAPI for the whole platform, the AsyncAPI of
every topic and event, and the integrators' guide."""
