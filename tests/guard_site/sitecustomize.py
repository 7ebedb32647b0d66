"""Loaded by Python processes that tests start: the same loopback-only guard as the test run."""

from tests.loopback_guard import install

install()
