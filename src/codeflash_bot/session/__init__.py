"""session stage (see DESIGN.md pipeline)."""
