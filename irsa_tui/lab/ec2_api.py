"""EC2 ``DescribeInstances`` for the lab's AWS front: the nodes behind Pod Identity scenarios.

moto serves this too, but its EC2 package costs ~1.5 s of imports and AMI loading on the first
call of every lab world (all integration tests pay it); the front answers the one call the
product makes itself, in EC2's own XML (botocore ``ec2`` model: ``reservationSet`` /
``instancesSet`` / ``metadataOptions`` / ``iamInstanceProfile``) and with its real errors
(``InvalidInstanceID.NotFound`` / ``InvalidInstanceID.Malformed``, 400). Other EC2 calls still
go to moto. Instance profiles (IAM) live in moto.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from irsa_tui.lab._store import Store

__all__ = ["Instance", "Instances", "answer", "instance_id"]

XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


def instance_id(*parts: str) -> str:
    """A stable 17-hex-digit instance id, like EC2's."""
    return "i-0" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Instance:
    instance_id: str
    account: str
    zone: str
    private_dns: str
    http_tokens: str
    hop_limit: int
    http_endpoint: str
    profile_arn: str | None
    profile_id: str | None
    launched: dt.datetime
    tags: Mapping[str, str] = field(default_factory=dict)
    instance_type: str = "m6i.large"
    image_id: str = "ami-0a1b2c3d4e5f60718"

    @property
    def private_ip(self) -> str:
        head = self.private_dns.split(".", 1)[0]
        return head.removeprefix("ip-").replace("-", ".") if head.startswith("ip-") else "10.0.0.10"


Instances = Store[Instance]
"""The lab's EC2 instances by id."""


def _error(code: str, message: str) -> tuple[int, bytes]:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>"
    )
    return 400, body.encode()


def _item(i: Instance) -> str:
    profile = (
        f"<iamInstanceProfile><arn>{escape(i.profile_arn)}</arn><id>{escape(i.profile_id or '')}</id>"
        "</iamInstanceProfile>"
        if i.profile_arn
        else ""
    )
    tags = "".join(
        f"<item><key>{escape(k)}</key><value>{escape(v)}</value></item>" for k, v in sorted(i.tags.items())
    )
    return (
        f"<item><instanceId>{i.instance_id}</instanceId><imageId>{i.image_id}</imageId>"
        "<instanceState><code>16</code><name>running</name></instanceState>"
        f"<privateDnsName>{escape(i.private_dns)}</privateDnsName><instanceType>{i.instance_type}</instanceType>"
        f"<launchTime>{i.launched.strftime('%Y-%m-%dT%H:%M:%S.000Z')}</launchTime>"
        f"<placement><availabilityZone>{i.zone}</availabilityZone><tenancy>default</tenancy></placement>"
        f"<privateIpAddress>{i.private_ip}</privateIpAddress>{profile}"
        "<architecture>x86_64</architecture>"
        f"<metadataOptions><state>applied</state><httpTokens>{i.http_tokens}</httpTokens>"
        f"<httpPutResponseHopLimit>{i.hop_limit}</httpPutResponseHopLimit>"
        f"<httpEndpoint>{i.http_endpoint}</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6>"
        "<instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions>"
        f"<tagSet>{tags}</tagSet></item>"
    )


def answer(instances: Instances, params: Mapping[str, Sequence[str]], account: str) -> tuple[int, bytes]:
    """DescribeInstances for ``InstanceId.N`` (all the caller's instances when none is given)."""
    ids = [v[0] for k, v in sorted(params.items()) if k.startswith("InstanceId.") and v]
    bad = [i for i in ids if not _ID.match(i)]
    if bad:
        return _error("InvalidInstanceID.Malformed", f'Invalid id: "{bad[0]}"')
    if ids:
        found = [instances.get(i) for i in ids]
        missing = [i for i, f in zip(ids, found, strict=True) if f is None]
        if missing:
            if len(missing) == 1:
                return _error("InvalidInstanceID.NotFound", f"The instance ID '{missing[0]}' does not exist")
            return _error("InvalidInstanceID.NotFound", f"The instance IDs '{', '.join(missing)}' do not exist")
        chosen = [f for f in found if f is not None]
    else:
        chosen = [i for i in instances.all() if i.account == account]
    reservations = "".join(
        f"<item><reservationId>r-{i.instance_id[2:]}</reservationId><ownerId>{i.account}</ownerId><groupSet/>"
        f"<instancesSet>{_item(i)}</instancesSet></item>"
        for i in chosen
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="{XMLNS}">'
        f"<requestId>{uuid.uuid4()}</requestId><reservationSet>{reservations}</reservationSet>"
        "</DescribeInstancesResponse>"
    )
    return 200, body.encode()
