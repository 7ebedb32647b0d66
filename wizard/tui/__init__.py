"""The full-screen front end (Textual): the only package that imports textual."""
