"""The probe kit and ``import``: proof recorded on the hosts that matter, brought back as evidence."""
