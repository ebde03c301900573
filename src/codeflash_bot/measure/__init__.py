"""measure stage (see DESIGN.md pipeline)."""
