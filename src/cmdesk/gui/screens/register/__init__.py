"""Registering a child: the form, the duplicate warning, and opening the child's case."""
