"""A test farm on loopback: IIS-like SMTP nodes, an NLB stand-in, dnsmasq and a fake Exchange.

Everything listens on one random ``127.a.b.0/24`` (nodes ``.11`` upwards, the
VIP ``.200``, DNS ``.5``, Exchange ``.20``) and random ports, so parallel test
runs do not meet, and nothing leaves 127.0.0.0/8.

States (``tests.farm.farm.STATES``):

- ``unconfigured``: nodes greet with their own names, no alias domain, no NLB,
  no A record for the mail host.
- ``good``: every step done; nodes differ only in their banner's build number,
  so the NLB check can tell them apart (``identical=True`` makes them alike).
- ``misconfigured-node``: the last node lacks its alias domain and FQDN.
- ``open-relay``: the last node relays for anyone.
- ``node-down``: the last node's SMTP service is stopped (NLB still sends to it).
- ``dns-elsewhere``: the mail host's A record points at an address nobody serves.
- ``connection-control``: nodes admit only the Exchange address; the plan says so.
- ``single``: one node, single mode.
- ``silent``: nodes accept connections and never greet.

In pytest (the fixtures load through ``pytest_plugins`` in ``tests/conftest.py``)::

    def test_something(farm):
        running = farm("misconfigured-node", nodes=3)   # started; stopped after the test
        plan = parse_plan(running.plan_data)
        running.nodes[2].setup.alias_domains.add("mossmail.foo.local")   # fix it live
        running.stop_node(0); running.start_node(0)

The fixture also points ``SPMAIL_WIZARD_UNC_ROOT`` at the farm, so the checks
can read each node's Drop folder (``\\\\wfe1\\c$\\Inetpub\\mailroot\\Drop``).
Pass ``exchange_port=running.exchange_port`` to ``run_checks`` for the
connector test. ``fault_smtp(kind)`` and ``fault_dns(kind)`` start single
misbehaving servers and return ``(address, port)``.

By hand::

    python -m tests.farm --state good --nodes 2 --plan-out /path/plan.toml

starts a farm in the foreground, writes its plan, prints what runs where and
the environment variables to set (``SPMAIL_WIZARD_UNC_ROOT`` for the Drop
folders, ``SPMAIL_WIZARD_EXCHANGE_PORT`` for the connector test through the
fake Exchange), and stops cleanly on Ctrl+C.
"""
