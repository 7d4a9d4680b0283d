"""SIRBI agreements service: cooperation agreements (convenios) and their lifecycle."""
