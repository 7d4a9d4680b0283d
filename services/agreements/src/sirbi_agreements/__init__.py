"""SIRBI agreements service: cooperation agreements (convenios) between member states, national networks and partners."""
