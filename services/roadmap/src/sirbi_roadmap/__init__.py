"""SIRBI roadmap service: the regional roadmap, working groups and their actions."""
