"""``NS/POD`` targets: a valid (namespace, pod) pair or a one-line UsageExit, nothing else."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from irsa_tui.cli import UsageExit, parse_target
from tests.fuzz.strategies import assert_clear_message, fuzz, nasty_text, text_like

# Kubernetes: namespaces are DNS-1123 labels; pod names are DNS-1123 subdomains.
LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
SUBDOMAIN = rf"{LABEL}(\.{LABEL})*"

labels = st.from_regex(LABEL, fullmatch=True)
subdomains = st.from_regex(SUBDOMAIN, fullmatch=True).filter(lambda s: len(s) <= 253)
pieces = st.one_of(
    labels, subdomains, nasty_text, st.sampled_from(["", "-a", "a-", "a..b", "A", "pod", "pods", "."])
)
values = st.one_of(
    st.none(),
    text_like("payments/api", "api", "pod/api", "pods/api"),
    st.builds(
        lambda a, sep, b, tail: a + sep + b + tail,
        pieces,
        st.sampled_from(["/", "//", " / ", ""]),
        pieces,
        st.sampled_from(["", "\n", " ", "/x", "\x00"]),
    ),
)
namespaces = st.one_of(st.none(), labels, pieces)


@fuzz()
@given(values, namespaces)
def test_parse_target_accepts_only_valid_names(value: str | None, namespace: str | None) -> None:
    try:
        ns, pod = parse_target(value, namespace)
    except UsageExit as err:
        assert_clear_message(str(err), max_len=1000)
        return
    assert re.fullmatch(LABEL, ns) and len(ns) <= 63, ns
    assert re.fullmatch(SUBDOMAIN, pod) and len(pod) <= 253, pod
    assert value is not None and pod in value
    assert ns in value or ns == namespace


@fuzz()
@given(labels, subdomains, st.sampled_from(["", "pod/", "pods/"]), st.booleans())
def test_parse_target_accepts_every_valid_pair(ns: str, pod: str, prefix: str, with_flag: bool) -> None:
    if prefix:  # ``pod/NAME`` takes the namespace from -n
        assert parse_target(f"{prefix}{pod}", ns) == (ns, pod)
    else:
        assert parse_target(f" {ns}/{pod} ", ns if with_flag else None) == (ns, pod)
