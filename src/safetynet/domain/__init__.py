"""Pure business rules: no Django imports."""
