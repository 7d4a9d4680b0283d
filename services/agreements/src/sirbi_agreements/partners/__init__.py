"""External partners: registered organisations (IFLA, CERLALC, NGOs, companies, …) that can be
party to agreements besides member states and national networks."""
