"""SIRBI members service: member states, national networks, representatives, library directory."""
