"""Working groups: the cooperation areas they look after, their coordinator, member countries
and people."""
