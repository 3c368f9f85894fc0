"""The scenario knob ``caller.deny``: the caller loses an IAM action on that scenario's role only."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from irsa_tui.lab.world import LabWorld

pytestmark = pytest.mark.integration


def test_get_role_is_denied_on_the_scenarios_role_only(world: LabWorld) -> None:
    iam = boto3.client("iam")
    denied_role = world.placeholders("sa-role-unreadable")["ROLE_NAME"]
    with pytest.raises(ClientError) as info:
        iam.get_role(RoleName=denied_role)
    err = info.value.response["Error"]
    assert err["Code"] == "AccessDenied"
    assert "iam:GetRole" in err["Message"] and denied_role in err["Message"]
    # every other scenario's role stays readable, and other actions on the denied role still work
    assert (
        iam.get_role(RoleName=world.placeholders("healthy")["ROLE_NAME"])["Role"]["RoleName"]
        == "payments-api"
    )
    assert "payments-invoices-s3" in iam.list_role_policies(RoleName=denied_role)["PolicyNames"]
