"""The plain front end (`--plain`): one question at a time, plain lines, no full-screen redraws (no Textual here)."""
