"""Roadmap actions: their status, progress log, indicators and milestones, and the board."""
