"""HTTP plumbing every service shares: problem+json errors, health, metrics, middleware, app factory."""
