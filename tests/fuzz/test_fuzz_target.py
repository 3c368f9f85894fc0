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


# --- the TUI's S3 dialog (bucket, bucket/key, s3://bucket/key) and the kubeconfig cluster account -----
BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
buckets = st.from_regex(BUCKET, fullmatch=True)
keys = st.text(min_size=1, max_size=60).filter(lambda k: not re.search(r"[\x00-\x1f\x7f]", k))
s3_inputs = st.one_of(
    nasty_text,
    text_like("my-bucket", "my-bucket/a.pdf", "s3://my-bucket/a/b"),
    st.builds(lambda p, b, k: p + b + k, st.sampled_from(["", "s3://", "S3://", " "]), buckets | nasty_text,
              st.sampled_from(["", "/"]) | keys.map(lambda k: "/" + k)),
)


@fuzz()
@given(s3_inputs)
def test_parse_s3_target_gives_a_valid_target_or_a_clear_problem(text: str) -> None:
    from irsa_tui.chain.buckets import bucket_name_problem, parse_s3_target
    from irsa_tui.chain.links.s3 import object_key_problem

    bucket, key, problem = parse_s3_target(text)
    if problem is not None:
        assert (bucket, key) == (None, None)
        assert_clear_message(problem, max_len=1000)
        return
    if bucket is None:
        assert key is None and text.strip().lower() in ("", "s3://")
        return
    assert bucket_name_problem(bucket) is None and bucket in text
    assert key is None or (object_key_problem(key) is None and key in text)


@fuzz()
@given(buckets, keys, st.sampled_from(["", "s3://", "S3://"]))
def test_parse_s3_target_round_trips(bucket: str, key: str, prefix: str) -> None:
    from irsa_tui.chain.buckets import bucket_name_problem, parse_s3_target

    if bucket_name_problem(bucket) is not None:  # the regex admits a few names S3 does not (e.g. "a..b")
        return
    got = parse_s3_target(f"{prefix}{bucket}/{key}")
    # the dialog strips surrounding blanks, so a key's trailing blanks (or an all-blank key) go too
    assert got == (bucket, key.rstrip() or None, None)


@fuzz()
@given(st.one_of(nasty_text, text_like("arn:aws:eks:eu-west-1:210987654321:cluster/prod", "prod")),
       st.one_of(nasty_text, text_like("arn:aws-cn:eks:cn-north-1:123456789012:cluster/x", "x")))
def test_eks_account_is_twelve_digits_from_the_names_or_none(context: str, cluster: str) -> None:
    from irsa_tui.sources.kubeconfig import eks_account

    account = eks_account(context, cluster)
    assert account is None or (re.fullmatch(r"\d{12}", account) and (account in context or account in cluster))
