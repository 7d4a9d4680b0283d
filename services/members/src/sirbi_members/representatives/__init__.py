"""The people who represent a member state in the network: focal points and their alternates."""
