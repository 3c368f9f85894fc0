"""Register the fuzz hypothesis profile (examples per property from ``IRSA_FUZZ_EXAMPLES``, default 200).

The profile is applied per test with ``@fuzz()`` rather than loaded globally, so the rest of the
suite keeps its own hypothesis settings.
"""

from tests.fuzz.strategies import register_profile

register_profile()
