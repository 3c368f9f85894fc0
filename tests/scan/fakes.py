"""A fake cluster for scan tests: the engine's fake sources (tests/engine/fakes.py) plus the lists a scan makes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from irsa_tui.chain.errors import SourceError, SourceFailure
from irsa_tui.chain.facts import EnvVar, OwnerRef, PodFacts, RoleFacts, ServiceAccountFacts
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.engine import Session
from irsa_tui.sources.protocols import Sources
from tests.chain import builders as b
from tests.engine.fakes import FakeAws, FakeIssuer, FakeKube, FakeWorld


@dataclass
class ScanWorld(FakeWorld):
    listed_pods: list[PodFacts] = field(default_factory=list)
    sas: list[ServiceAccountFacts] = field(default_factory=list)
    controllers: dict[tuple[str, str, str], OwnerRef] = field(default_factory=dict)
    missing_roles: set[str] = field(default_factory=set)
    throttle: dict[str, int] = field(default_factory=dict)
    """Call name -> how many times it answers Throttling before it answers."""
    associations: list[AssociationFacts] = field(default_factory=list)


class ScanKube(FakeKube):
    w: ScanWorld

    def list_pods(self, ns: str | None) -> tuple[PodFacts, ...]:
        return self.w.answer("list_pods", lambda: tuple(p for p in self.w.listed_pods if ns in (None, p.namespace)))

    def list_all_service_accounts(self, ns: str | None) -> tuple[ServiceAccountFacts, ...]:
        return self.w.answer("list_all_service_accounts",
                             lambda: tuple(s for s in self.w.sas if ns in (None, s.namespace)))

    def list_controllers(self, ns: str | None) -> dict[tuple[str, str, str], OwnerRef]:
        return self.w.answer("list_controllers", lambda: dict(self.w.controllers))

    def namespaces(self) -> list[str]:
        return self.w.answer("namespaces", lambda: sorted({s.namespace for s in self.w.sas}))


class ScanAws(FakeAws):
    w: ScanWorld

    def get_role(self, role_name: str, arn: str, account: str) -> RoleFacts:
        def role() -> RoleFacts:
            left = self.w.throttle.get("get_role", 0)
            if left:
                self.w.throttle["get_role"] = left - 1
                raise SourceFailure(SourceError("iam", "throttled", "iam GetRole: Throttling: Rate exceeded"))
            if role_name in self.w.missing_roles:
                raise SourceFailure(SourceError("iam", "not-found", f"iam GetRole {role_name}: NoSuchEntity"))
            return replace(self.w.facts.role, policies=None, arn=arn, name=role_name)

        return self.w.answer("get_role", role)


class ScanPodIdentity:
    def __init__(self, world: ScanWorld) -> None:
        self.w = world

    def associations(self, cluster: str, namespace: str | None = None, service_account: str | None = None
                     ) -> tuple[AssociationFacts, ...]:
        return self.w.answer("associations", lambda: tuple(a for a in self.w.associations
                                                           if namespace in (None, a.namespace)))


def session(world: ScanWorld) -> Session:
    sources = Sources(kube=ScanKube(world), aws=ScanAws(world), issuer=FakeIssuer(world))
    return Session("prod", sources, cluster_name=b.CLUSTER, region=b.REGION, cluster_account=b.ACCOUNT)


def pod(name: str, owner: OwnerRef | None, injected: bool = True, sa: str = b.SA, ns: str = b.NS,
        **changes: object) -> PodFacts:
    base = b.healthy_pod(name=name, namespace=ns, owner=owner, service_account_name=sa, uid=f"uid-{name}")
    if not injected:
        app = b.app_container(env=(EnvVar("AWS_REGION", b.REGION),), mounts=())
        base = replace(base, containers=(app,), volumes=())
    return replace(base, **changes)  # type: ignore[arg-type]


def sa(name: str = b.SA, ns: str = b.NS, role: str | None = b.ROLE_ARN, changed_days_ago: float = 30) -> ServiceAccountFacts:
    annotations = {"eks.amazonaws.com/role-arn": role} if role else {}
    return b.healthy_sa(name=name, namespace=ns, annotations=annotations, uid=f"uid-sa-{ns}-{name}",
                        annotations_changed=b.NOW - timedelta(days=changed_days_ago))
