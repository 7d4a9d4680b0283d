"""Who calls the gateway: users (password sign-in, access and refresh tokens) and integration
clients (API keys)."""
