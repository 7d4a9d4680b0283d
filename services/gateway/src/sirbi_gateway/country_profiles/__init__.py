"""One country's profile composed from the services, each part allowed to be unavailable."""
