"""SIRBI roadmap service: the regional cooperation roadmap, its working groups and their actions."""
