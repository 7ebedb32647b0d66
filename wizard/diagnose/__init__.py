"""Tracing one message along the incoming e-mail path: log parsers, hop evidence, cause rules, the trace."""
