"""A practice farm on loopback: IIS-like SMTP nodes, an NLB balancer, DNS, Exchange and a timer job.

Everything of one farm listens on one random ``127.a.b.0/24`` (nodes ``.11``
upwards, the VIP ``.200``, DNS ``.5``, Exchange ``.60``) and one random
unprivileged port, so two farms, or a farm and the test suite, run side by
side, nothing needs root, and nothing leaves 127.0.0.0/8. The servers run on
an event loop in a thread of their own (:class:`wizard.farm.loop.LoopThread`),
so the wizard's own loop, or none, can check them.

``rehearse`` starts one for the guided session, the test suite starts them
through its fixtures; both use :class:`Farm`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.farm.farm import EXCHANGE_NAME, MAIL_HOST, TEST_RECIPIENT, ZONE, Addresses, Farm

__all__ = ["EXCHANGE_NAME", "MAIL_HOST", "TEST_RECIPIENT", "ZONE", "Addresses", "Farm"]


def __getattr__(name: str) -> Any:
    # The farm's servers load only when a farm is wanted: the command line
    # imports wizard.farm.states to list the states and must stay quick.
    if name in __all__:
        from wizard.farm import farm

        return getattr(farm, name)
    raise AttributeError(f"module 'wizard.farm' has no attribute {name!r}")
