"""spmail-wizard: guided set-up and live proof of SharePoint incoming e-mail."""

__version__ = "0.1.0"
