"""The plan: one farm's answers, its keys and rules, its TOML file, and the questions that ask for it.

``model`` holds :class:`~wizard.plan.model.Plan` and reads a plan from data or
a file; ``fields`` describes each key once; ``validate`` checks one typed
value; ``rules`` ties the keys together; ``tomlfile`` finds a key's line and
writes a plan back as TOML; ``questions`` asks for the keys in both front ends.
"""
