"""`/api/<service>/…`: the services' APIs behind the gateway."""
