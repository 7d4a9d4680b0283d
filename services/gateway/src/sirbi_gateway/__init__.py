"""SIRBI gateway service: the public entrance: sign-in, routing, views, event delivery."""
