"""The playground's panes, one per file."""
