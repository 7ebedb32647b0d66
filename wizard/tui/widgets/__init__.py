"""Widgets the wizard's screens are built from, each owning one piece of data."""
