"""The library directory: every library of the national networks, identified by ISIL or national id."""
