"""Member states of the network and their membership lifecycle."""
