"""The roadmap's reactions to other services' events."""
