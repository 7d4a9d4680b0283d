"""SIRBI members service: member states, national library networks, representatives and the library directory."""
