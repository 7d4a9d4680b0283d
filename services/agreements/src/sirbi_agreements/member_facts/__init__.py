"""What the agreements service knows of member states and national networks: a replica kept
from the members service's events (`sirbi.members.v1`), never read from its database."""
