"""verify stage (see DESIGN.md pipeline)."""
