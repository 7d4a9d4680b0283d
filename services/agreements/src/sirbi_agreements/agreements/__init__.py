"""Cooperation agreements (convenios): their terms, parties, signatures and lifecycle."""
