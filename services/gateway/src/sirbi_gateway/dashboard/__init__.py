"""Regional figures counted over a replica of each record's latest state."""
