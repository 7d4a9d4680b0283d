"""SIRBI platform library: infrastructure every service shares, never domain rules."""
