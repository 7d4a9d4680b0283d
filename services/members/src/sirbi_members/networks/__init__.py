"""National library networks (or systems) of the member states."""
