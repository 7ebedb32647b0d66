"""The checklist: steps as data, read from ``wizard/checklists/``.

``model`` holds the steps and checks as typed values; ``loader`` reads and
checks a checklist file; ``vantages`` reads its ``[checks]`` table (who may
prove which check); ``platforms`` reads the platform facts beside it.
"""
