"""Writes of the qualification procedure, one module per area; each public function is one
transaction (CONVENTIONS.md "Writes go through services")."""
