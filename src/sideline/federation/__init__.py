"""Federation: operations in each organization's own log, folded by one pure reducer.

The pure core (no Django) is ``canonical``, ``schema``, ``ops``, ``ordering``, ``state``,
the rule modules, ``sealing`` (confidential meetings' ops, sealed whole to their
participants) and ``reducer``; see docs/federation.md.
"""
