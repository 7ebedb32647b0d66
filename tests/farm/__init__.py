"""Test fixtures over the practice farm (:mod:`wizard.farm`), and servers that misbehave on purpose.

The farm itself is part of the product; the tests start it through the
fixtures in :mod:`tests.farm.fixtures` (loaded by ``pytest_plugins`` in
``tests/conftest.py``)::

    def test_something(farm):
        running = farm("partial", nodes=3)   # started; stopped after the test
        plan = parse_plan(running.plan_data)
        running.nodes[2].setup.alias_domains.add("mossmail.foo.local")   # fix it live
        running.stop_node(0); running.start_node(0)

``fault_smtp(kind)`` and ``fault_dns(kind)`` start single misbehaving servers
and return ``(address, port)``; :class:`tests.farm.dnsserver.Dnsmasq` serves a
zone from a real dnsmasq, a second DNS server to cross-check the farm's own.
"""
