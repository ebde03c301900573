"""profile stage (see DESIGN.md pipeline)."""
