"""SIRBI gateway service: the one public entrance: sign-in, routing, composed views and event delivery."""
