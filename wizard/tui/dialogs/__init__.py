"""Modal dialogs that return typed results with dismiss()."""
