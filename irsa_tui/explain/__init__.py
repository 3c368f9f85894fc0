"""``irsa-tui explain``: what an error text says about the credential chain (pure).

``shapes`` is the catalogue, ``principal`` parses the ARNs a text names, ``engine`` finds the
shapes in a text and picks the one nearest the root cause.
"""
