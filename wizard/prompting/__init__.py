"""The farm's questions and the plain prompt front end (no Textual here)."""
