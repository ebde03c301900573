"""prep stage (see DESIGN.md pipeline)."""
