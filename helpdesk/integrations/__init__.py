"""Clients of outside systems the domain reads from (1C's OData interface)."""
