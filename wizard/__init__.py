"""spmail-wizard: guided set-up and live proof of SharePoint incoming e-mail."""

__version__ = "0.1.0"
PROG = "spmail-wizard"
"""The program's name, as commands, messages and the data folder spell it."""
