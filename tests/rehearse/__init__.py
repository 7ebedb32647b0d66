"""Tests of the practice farm as the product ships it: rehearse --serve, states, break and fix."""
