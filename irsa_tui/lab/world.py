"""LabWorld: every scenario as its own EKS cluster, issuer and IAM names, on 127.0.0.1 only.

The product reaches it through standard settings alone (``.env``): ``KUBECONFIG``,
``AWS_ENDPOINT_URL``, AWS keys and region, ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from irsa_tui.lab import faults as faults_mod
from irsa_tui.lab import scenario as scn_mod
from irsa_tui.lab._server import LabHandler, LabServer, set_latency
from irsa_tui.lab.app_logs import app_logs, failing_link
from irsa_tui.lab.aws import AwsFront, AwsScenario, Moto
from irsa_tui.lab.issuer import IssuerServer
from irsa_tui.lab.kube import Cluster, KubeServer, build_objects
from irsa_tui.lab.pki import pki, signing_key
from irsa_tui.lab.pod_identity import PodIdentityWorld, seed_pod_identity
from irsa_tui.lab.scenario import ACCOUNT, REGION, Scenario
from irsa_tui.lab.trail import seed_events

__all__ = ["LabWorld", "serve"]

CALLER_KEY_ID = "AKIALABCALLER0000001"
CALLER_SECRET = "lab-caller-secret-not-a-real-credential"


def _admin_clients(moto_url: str) -> dict[str, Any]:
    import boto3
    from botocore.config import Config

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    cfg = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
    clients = {svc: session.client(svc, endpoint_url=moto_url, config=cfg) for svc in ("iam", "s3", "sts")}
    clients["s3:us-east-1"] = session.client("s3", endpoint_url=moto_url, config=cfg, region_name="us-east-1")
    return clients


ISSUER_KEYS = 8
"""RSA keys the scenarios' issuers share (by stable hash): 2048-bit generation is ~80 ms of CPU
each, so one key per scenario made start-up grow with the catalogue. Foreign keys stay unique."""


def _issuer_key_label(scenario: str) -> str:
    slot = int(hashlib.sha256(scenario.encode()).hexdigest(), 16) % ISSUER_KEYS
    return f"lab-issuer-key-{slot}"


_SEED_LOCKS = {"iam": threading.Lock(), "s3": threading.Lock()}
_live_lock = threading.Lock()
_live: list[LabWorld] = []


def _pod_sts_endpoint(objects: dict[str, Any], cfg: dict[str, Any]) -> str:
    """Which STS endpoint the scenario pod's SDK calls, by the lab's own (simple) rule.

    The lab front answers on AWS_ENDPOINT_URL for every endpoint, so it decides from the pod as built:
    AWS_STS_REGIONAL_ENDPOINTS=regional with a region means regional; anything else the global one
    (every lab region is one where legacy SDKs use the global endpoint).
    """
    pod = objects["pods"].get((str(cfg["namespace"]), str(cfg["pod"]["name"])))
    containers = (pod or {}).get("spec", {}).get("containers") or [{}]
    env = {e.get("name"): e.get("value") for e in containers[0].get("env") or []}
    if env.get("AWS_STS_REGIONAL_ENDPOINTS") == "regional" and (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")):
        return "regional"
    return "global"


def _other_account_providers(cfg: dict[str, Any]) -> dict[str, list[str]]:
    """A provider the scenario keeps in a second account (moto holds only the lab account's IAM)."""
    prov = cfg.get("provider") or {}
    account = prov.get("account")
    if not prov.get("present", True) or not account or str(account) == ACCOUNT:
        return {}
    host_path = str(prov["url"]).split("://", 1)[-1]
    return {f"arn:aws:iam::{account}:oidc-provider/{host_path}": list(prov.get("client_ids") or [])}


class LabWorld:
    """One per process at a time: moto keeps its state in process-wide globals."""

    def __init__(self, selected: list[Scenario]) -> None:
        self.scenarios = selected
        self._dir = Path(tempfile.mkdtemp(prefix="irsa-tui-lab-"))
        self._stopped = False
        self._lock = threading.Lock()
        self.env: dict[str, str] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.started_in = 0.0
        self.issuer: IssuerServer | None = None
        self.kube: KubeServer | None = None
        self.moto: Moto | None = None
        self.front: AwsFront | None = None
        self.faults: list[faults_mod.Fault] = []
        self._base_env: dict[str, str] = {}
        self._bad_tls: dict[str, LabServer] = {}
        self._dead: Any = None
        self._ca_file = ""
        self.fleet_manifest: Any = None
        """The generated fleet's ``lab.fleet.FleetManifest`` when the ``fleet`` world runs."""

    # --- lifecycle -------------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        scenarios: Sequence[str] | None = None,
        latency_ms: float = 0.0,
        faults: Sequence[str | faults_mod.Fault] = (),
    ) -> LabWorld:
        """Start every server and seed every requested scenario (all when None).

        Unknown names raise KeyError with close matches. ``latency_ms`` delays every
        request the lab answers (set once seeding is done), for latency benchmarks.
        ``faults`` (``SOURCE:KIND[:MATCH]``, see :mod:`irsa_tui.lab.faults`) are switched on once
        seeding is done; ``set_faults`` changes them later.
        """
        parsed = [faults_mod.parse_fault(f) for f in faults]  # bad specs fail before anything starts
        t0 = time.perf_counter()
        if scenarios is None:
            selected = scn_mod.scenarios()
        else:
            selected = []
            for name in scenarios:
                scn = scn_mod.get(name)
                if scn not in selected:
                    selected.append(scn)
            if not selected:
                raise ValueError("no lab scenario requested")
        with _live_lock:
            if _live:
                raise RuntimeError(
                    "a lab world is already running in this process; stop() it first "
                    "(moto keeps its state process-wide)"
                )
            world = cls(selected)
            _live.append(world)
        try:
            world._start()
        except BaseException:
            world.stop()
            raise
        world.started_in = time.perf_counter() - t0
        set_latency(latency_ms)
        world.set_faults(parsed)
        return world

    def _start(self) -> None:
        bundle = pki()
        ca_file, chain, key = bundle.write(self._dir / "pki")
        tls = (chain, key)
        certs = faults_mod.make_certs(self._dir / "faults")
        # The fault CA is trusted next to the lab root, so a wrong-host leaf fails on the name alone.
        ca_file.write_bytes(bundle.root_pem + certs.trusted_ca_pem)
        self._ca_file = str(ca_file)
        with ThreadPoolExecutor(max_workers=8) as pool:
            moto_future = pool.submit(lambda: Moto().start())
            key_futures = {
                s.name: pool.submit(signing_key, _issuer_key_label(s.name)) for s in self.scenarios
            }
            self.issuer = IssuerServer(tls).start()
            self.kube = KubeServer(tls).start()
            self.moto = moto_future.result()
            keys = {name: f.result() for name, f in key_futures.items()}
        self._reset_moto()
        admin = _admin_clients(self.moto.url)
        self.moto.clients.extend(admin.values())
        self.front = AwsFront(self.moto.url, str(ca_file), admin).start()
        token = "lab-" + secrets.token_urlsafe(24)
        thumb = bundle.intermediate_der_sha1
        kubeconfig: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Config",
            "preferences": {},
            "clusters": [],
            "contexts": [],
            "users": [],
        }
        ca_data = __import__("base64").b64encode(bundle.root_pem + certs.trusted_ca_pem).decode()
        self._setup_fault_listeners(certs)

        def seed(scn: Scenario) -> None:
            assert self.issuer is not None and self.kube is not None and self.front is not None
            kube_url = f"{self.kube.base_url}/clusters/{scn.name}"
            names = scn_mod.placeholders(scn, self.issuer.base_url, thumb, kube_url)
            cfg = scn_mod.expand(scn.config(), names)
            self.names[scn.name] = names
            self.configs[scn.name] = cfg
            jwks = [keys[scn.name].jwk]
            tok = cfg.get("token") or {}
            sign_with = (
                keys[scn.name] if tok.get("key", "issuer") == "issuer" else signing_key(f"{scn.name}/foreign")
            )
            if (cfg.get("issuer") or {}).get("serve", True):
                self.issuer.register(scn_mod.issuer_id(scn.name), jwks)
            podid = PodIdentityWorld.from_config(scn.name, cfg, names)
            cluster = Cluster(
                name=scn.name,
                token=token,
                issuer=str(tok.get("issuer") or names["ISSUER"]),
                key=sign_with,
                objects=build_objects(podid.kube_config(cfg) if podid else cfg, names["CLUSTER"], REGION),
                deny=frozenset(str(d) for d in (cfg.get("rbac") or {}).get("deny") or []),
                version=str(cfg["cluster"]["version"]),
                clock_skew=int(tok.get("clock_skew_seconds") or 0),
            )
            cluster.logs[(str(cfg["namespace"]), str(cfg["pod"]["name"]))] = app_logs(failing_link(scn), cfg, names,
                                                                                     scn.expect.mechanism)
            self.kube.add(cluster)
            self._seed_aws(admin, cfg, names)
            assert self.front is not None
            seed_pod_identity(podid, self.front, cluster, admin, cfg, names, keys[scn.name].jwk, _SEED_LOCKS["iam"])
            if scn.generator == "fleet":
                self._seed_fleet(cluster, names)
            self.front.add(
                AwsScenario(
                    name=scn.name,
                    cluster=names["CLUSTER"],
                    cluster_arn=names["CLUSTER_ARN"],
                    kube_url=kube_url,
                    issuer=names["ISSUER"],
                    issuer_id=scn_mod.issuer_id(scn.name),
                    region=REGION,
                    version=str(cfg["cluster"]["version"]),
                    platform_version=str(cfg["cluster"]["platform_version"]),
                    ca_pem=bundle.root_pem,
                    role_name=names["ROLE_NAME"],
                    region_disabled=bool((cfg.get("sts") or {}).get("region_disabled")),
                    sts_error=(cfg.get("sts") or {}).get("error"),
                    boundary=(cfg.get("role") or {}).get("boundary"),
                    scp=cfg.get("scp"),
                    caller_deny=frozenset((cfg.get("caller") or {}).get("deny") or ()),
                    s3_region_error=str((cfg.get("bucket") or {}).get("region_error") or "PermanentRedirect"),
                    iam_trusts_ca=bool((cfg.get("issuer") or {}).get("iam_trusts_ca", True)),
                    issuer_thumbprint=thumb,
                    sts_outage=(cfg.get("sts") or {}).get("outage"),
                    pod_sts_endpoint=_pod_sts_endpoint(cluster.objects, cfg),
                    other_account_providers=_other_account_providers(cfg),
                )
            )
            seed_events(self.front.state.trail, cfg.get("cloudtrail"), names, ACCOUNT, REGION)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(seed, self.scenarios))
        for scn in self.scenarios:
            names = self.names[scn.name]
            arn = names["CLUSTER_ARN"]
            if not self.configs[scn.name]["cluster"].get("eks", True):
                arn = f"{names['CLUSTER']}.k8s.local"  # kOps-style: the context names no EKS cluster
            kubeconfig["clusters"].append(
                {"name": arn, "cluster": {"server": names["KUBE_URL"], "certificate-authority-data": ca_data}}
            )
            kubeconfig["users"].append({"name": arn, "user": {"token": token}})
            entry = _context_entry(scn, arn, self.check_args(scn.name))
            kubeconfig["contexts"].append({"name": scn.name, "context": entry})
        names_in = [s.name for s in self.scenarios]
        kubeconfig["current-context"] = "healthy" if "healthy" in names_in else names_in[0]
        kc = self._dir / "kubeconfig"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 0.6 s -> ~0.05 s for every scenario
        kc.write_text(yaml.dump(kubeconfig, Dumper=dumper, sort_keys=False), encoding="utf-8")
        kc.chmod(0o600)
        self.env = self._base_env = {
            "KUBECONFIG": str(kc),
            "AWS_ENDPOINT_URL": self.front.url,
            "AWS_ACCESS_KEY_ID": CALLER_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": CALLER_SECRET,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "SSL_CERT_FILE": str(ca_file),
        }

    def _seed_fleet(self, cluster: Cluster, names: dict[str, str]) -> None:
        """The generated fleet (lab/fleet.py): thousands of objects, hundreds of roles, its manifest."""
        import datetime as dt

        from irsa_tui.lab import fleet

        assert self.front is not None
        plan = fleet.plan(names["CLUSTER"], names, dt.datetime.now(dt.UTC).replace(microsecond=0))
        with cluster.lock, _SEED_LOCKS["iam"]:
            fleet.seed(plan, cluster.objects, self.front.pod_identity.get(names["CLUSTER"]), ACCOUNT)
        self.fleet_manifest = plan.manifest

    def _setup_fault_listeners(self, certs: faults_mod.FaultCerts) -> None:
        """TLS contexts for the kube/issuer listeners, HTTPS decoys and a closed port for AWS endpoints."""
        import socket
        import ssl

        contexts: dict[str, ssl.SSLContext] = {}
        for kind, (chain, key) in (("tls", certs.wrong_host), ("tls-ca", certs.unknown_ca)):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(chain), str(key))
            contexts[kind] = ctx
            self._bad_tls[kind] = LabServer(_Unavailable, (chain, key)).start()
        for server in (self.kube, self.issuer):
            assert server is not None
            server.server.httpd.fault_contexts = contexts
        dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        self._dead = dead

    # --- faults ----------------------------------------------------------------------------------
    def set_faults(self, faults: Sequence[str | faults_mod.Fault]) -> list[faults_mod.Fault]:
        """Switch faults on (replacing earlier ones); ``[]`` heals the world.

        ``self.env`` changes too when an AWS source is refused or has a TLS fault (its
        ``AWS_ENDPOINT_URL_<SERVICE>`` points at a closed port or an HTTPS decoy): re-apply it.
        """
        parsed = faults_mod.set_faults(faults)
        self.faults = parsed
        env = dict(self._base_env)
        for fault in parsed:
            if fault.source in faults_mod.AWS_SOURCES and fault.listener_level:
                var = faults_mod.endpoint_var(fault.source)
                if fault.kind == "refused":
                    env[var] = f"http://127.0.0.1:{self._dead.getsockname()[1]}"
                else:
                    env[var] = self._bad_tls[fault.kind].url
                    env["AWS_CA_BUNDLE"] = self._ca_file
        self.env = env
        for source, server in (("kubernetes", self.kube), ("oidc-issuer", self.issuer)):
            if server is None:
                continue
            if faults_mod.listener_fault(source, ("refused",)) is not None:
                server.server.pause()
            else:
                server.server.resume()
                server.server.httpd.close_connections()  # pooled connections must shake hands again
        return parsed

    def set_denied_actions(self, actions: Sequence[str]) -> None:
        """IAM/EKS/STS actions (``iam:GetRole``) the caller may not perform: AccessDenied in IAM's shape."""
        assert self.front is not None
        self.front.state.denied = frozenset(actions)

    def reset_cloudtrail(self, names: Sequence[str] = ()) -> None:
        """Forget every CloudTrail event the front recorded, then seed again the ``cloudtrail:`` history of
        the scenarios ``names`` (an account's event history is shared by every scenario of the world)."""
        assert self.front is not None
        trail = self.front.state.trail
        with trail.lock:
            trail.events.clear()
        for name in names:
            self._scenario(name)
            seed_events(trail, self.configs[name].get("cloudtrail"), self.names[name], ACCOUNT, REGION)

    def set_rbac_deny(self, name: str, denies: Sequence[str]) -> None:
        """Replace a scenario's RBAC denies (``create serviceaccounts/token``, ``list pods``...)."""
        self._scenario(name)
        assert self.kube is not None
        cluster = self.kube.clusters[name]
        with cluster.lock:
            cluster.deny = frozenset(denies)

    def minted_tokens(self) -> list[str]:
        """Every service-account token the kube stand-in handed out, all scenarios."""
        assert self.kube is not None
        out: list[str] = []
        for cluster in self.kube.clusters.values():
            with cluster.lock:
                out.extend(cluster.minted)
        return out

    def issued_credentials(self) -> list[tuple[str, str, str]]:
        """Every (access key id, secret key, session token) STS handed out, plus the caller's keys."""
        assert self.front is not None
        with self.front.state.lock:
            return list(self.front.state.issued)

    def aws_requests(self) -> list[tuple[str, str, str, str]]:
        """Every (service, action, method, path) the AWS front received."""
        assert self.front is not None
        with self.front.state.lock:
            return list(self.front.state.actions)

    def _reset_moto(self) -> None:
        """Forget anything an earlier world of this process left in moto's global backends."""
        import urllib.request

        assert self.moto is not None
        req = urllib.request.Request(f"{self.moto.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()

    @staticmethod
    def _seed_aws(admin: dict[str, Any], cfg: dict[str, Any], names: dict[str, str]) -> None:
        # moto's backends are not thread-safe for writes: parallel CreateRole calls have failed with
        # "dictionary changed size during iteration" (a whole test session lost its lab). Writes to
        # one service go one at a time; different services and the kube/issuer side stay parallel.
        with _SEED_LOCKS["iam"]:
            LabWorld._seed_iam(admin["iam"], cfg, names)
        with _SEED_LOCKS["s3"]:
            LabWorld._seed_s3(admin, cfg, names)

    @staticmethod
    def _seed_iam(iam: Any, cfg: dict[str, Any], names: dict[str, str]) -> None:
        prov = cfg.get("provider") or {}
        if prov.get("present", True) and str(prov.get("account") or ACCOUNT) == ACCOUNT:
            iam.create_open_id_connect_provider(
                Url=str(prov["url"]),
                ClientIDList=list(prov.get("client_ids") or []),
                ThumbprintList=list(prov.get("thumbprints") or []),
            )
        role = cfg.get("role") or {}
        if role.get("present", True):
            kwargs: dict[str, Any] = {}
            if role.get("boundary") is not None:
                arn = iam.create_policy(
                    PolicyName=f"{role['name']}-boundary"[:128], PolicyDocument=json.dumps(role["boundary"])
                )["Policy"]["Arn"]
                kwargs["PermissionsBoundary"] = arn
            iam.create_role(
                RoleName=str(role["name"]),
                AssumeRolePolicyDocument=json.dumps(role["trust_policy"]),
                MaxSessionDuration=int(role.get("max_session_duration") or 3600),
                Description=f"irsa-tui lab role ({names['CLUSTER']})",
                **kwargs,
            )
            for pname, doc in (role.get("inline_policies") or {}).items():
                iam.put_role_policy(
                    RoleName=str(role["name"]), PolicyName=str(pname), PolicyDocument=json.dumps(doc)
                )
            for pname, doc in (role.get("managed_policies") or {}).items():
                arn = iam.create_policy(PolicyName=str(pname), PolicyDocument=json.dumps(doc))["Policy"][
                    "Arn"
                ]
                iam.attach_role_policy(RoleName=str(role["name"]), PolicyArn=arn)

        if cfg.get("workloads"):  # more IRSA workloads and their roles (scan scenarios)
            from irsa_tui.lab.workloads import seed_roles

            seed_roles(iam, cfg, names)

    @staticmethod
    def _seed_s3(admin: dict[str, Any], cfg: dict[str, Any], names: dict[str, str]) -> None:
        s3 = admin["s3"]
        bucket = cfg.get("bucket") or {}
        if bucket.get("present", True):
            name, region = str(bucket["name"]), str(bucket.get("region") or REGION)
            if region == "us-east-1":
                admin["s3:us-east-1"].create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
            for key, text in (bucket.get("objects") or {}).items():
                s3.put_object(Bucket=name, Key=str(key), Body=str(text).encode())
            for key, text in (bucket.get("kms_objects") or {}).items():
                s3.put_object(
                    Bucket=name, Key=str(key), Body=str(text).encode(),
                    ServerSideEncryption="aws:kms", SSEKMSKeyId=names["KMS_KEY_ARN"],
                )
            if bucket.get("policy") is not None:
                s3.put_bucket_policy(Bucket=name, Policy=json.dumps(bucket["policy"]))

    def stop(self) -> None:
        """Stop every server and remove the temp dir. Safe to call twice."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        set_latency(0)
        faults_mod.set_faults([])
        try:
            for server in (self.front, self.kube, self.issuer, self.moto, *self._bad_tls.values()):
                if server is not None:
                    server.stop()
            if self._dead is not None:
                self._dead.close()
            shutil.rmtree(self._dir, ignore_errors=True)
        finally:
            with _live_lock:
                if self in _live:
                    _live.remove(self)

    def __enter__(self) -> LabWorld:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- queries ---------------------------------------------------------------------------------
    def _scenario(self, name: str) -> Scenario:
        for scn in self.scenarios:
            if scn.name == name:
                return scn
        raise KeyError(
            f"scenario {name!r} is not running in this lab world "
            f"(running: {', '.join(s.name for s in self.scenarios)})"
        )

    def target(self, name: str) -> tuple[str, str]:
        """(namespace, pod) the scenario is about."""
        scn = self._scenario(name)
        return scn.namespace, scn.pod

    def check_args(self, name: str) -> list[str]:
        """The scenario's own `check` options (e.g. ``--bucket B --object K``), placeholders expanded."""
        from irsa_tui.lab.scenario import expand

        scn = self._scenario(name)
        return [str(expand(arg, self.placeholders(name))) for arg in scn.args]

    def requests(self, name: str) -> list[tuple[str, str]]:
        """Every (method, path) the kube stand-in received for this scenario's cluster."""
        self._scenario(name)
        assert self.kube is not None
        cluster = self.kube.clusters[name]
        with cluster.lock:
            return list(cluster.requests)

    def placeholders(self, name: str) -> dict[str, str]:
        """The expanded names of a scenario (issuer, role, bucket, cluster...)."""
        self._scenario(name)
        return dict(self.names[name])

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"LabWorld({len(self.scenarios)} scenarios, {state})"


def _context_entry(scn: Scenario, cluster: str, args: list[str]) -> dict[str, Any]:
    """A scenario's kube context as a real one would be written: its namespace (kubectl's default for
    ``-n``) and, when the scenario probes a given bucket or object, the standard kubeconfig context
    ``extensions`` entry that irsa-tui reads probe defaults from (sources/kubeconfig.py ``EXTENSION``)."""
    from irsa_tui.sources.kubeconfig import EXTENSION

    entry: dict[str, Any] = {"cluster": cluster, "user": cluster, "namespace": scn.namespace}
    probe = {
        name: args[i + 1]
        for i, arg in enumerate(args[:-1])
        for flag, name in (("--bucket", "bucket"), ("--object", "object"))
        if arg == flag
    }
    if probe:
        entry["extensions"] = [{"name": EXTENSION, "extension": probe}]
    return entry


class _Unavailable(LabHandler):
    """Behind a TLS decoy: a client that accepts the bad certificate still gets no API."""

    def _answer(self) -> None:
        self.body()
        self.send(503, b"lab TLS decoy: not an AWS endpoint\n", "text/plain")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer


def serve(
    scenarios: Sequence[str] | None = None,
    out: Any = None,
    latency_ms: float = 0.0,
    faults: Sequence[str] = (),
) -> int:
    """Start the world, print ``export`` lines, block until SIGINT/SIGTERM, stop."""
    import shlex
    import sys

    stream = out or sys.stdout
    world = LabWorld.start(scenarios, latency_ms=latency_ms, faults=faults)
    done = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: done.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for key, value in world.env.items():
            print(f"export {key}={shlex.quote(value)}", file=stream)
        print(
            f"# irsa-tui lab: {len(world.scenarios)} scenarios up in {world.started_in:.2f}s; "
            "kube contexts are the scenario names. Ctrl-C to stop.",
            file=stream,
        )
        if world.faults:
            print(f"# faults on: {', '.join(str(f) for f in world.faults)}", file=stream)
        stream.flush()
        while not done.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        world.stop()
    return 0
