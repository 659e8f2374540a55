"""Writes of the plans app: one function per use case. Views and tasks call these."""
