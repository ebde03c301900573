"""github stage (see DESIGN.md pipeline)."""
