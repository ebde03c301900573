"""propose stage (see DESIGN.md pipeline)."""
