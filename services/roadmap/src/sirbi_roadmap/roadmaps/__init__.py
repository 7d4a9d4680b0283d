"""Regional roadmaps (e.g. 2025-2027) and their strategic lines."""
