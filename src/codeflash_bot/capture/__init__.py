"""capture stage (see DESIGN.md pipeline)."""
