"""Registered accounts turned into SDK credentials (what discovery uses): AWS through moto's STS,
Azure and GCP credential objects built from the stored values (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.errors import RegistrationError
from core.settings import Settings
from devclouds.moto_server import MotoServer
from ingest.accounts.credentials import aws_session, azure_credential, gcp_credentials
from ingest.accounts.model import AccountSpec, validate
from ingest.providers.aws.client import AwsClients

TENANT = "8f1b6a2e-2f44-4a5e-9c1a-0d7c2b1e9f00"
CLIENT = "0c3d9e4b-7a11-4b6e-8d2a-5e9f1a2b3c4d"
SUB = "5a3e7c90-1b2d-4e6f-8a9b-0c1d2e3f4a5b"


def test_an_aws_role_account_assumes_its_role_with_the_external_id(moto: MotoServer, aws_settings: Settings) -> None:
    account = validate(
        AccountSpec(
            provider="aws",
            auth_method="role",
            secret="ext-1234",
            role_arn="arn:aws:iam::210987654321:role/aidiscover-read",
        )
    )
    session = aws_session(account, aws_settings.aws)
    identity = AwsClients(aws_settings.aws, session).sts().get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert "assumed-role/aidiscover-read/aidiscover" in identity["Arn"]


def test_an_aws_profile_account_uses_its_profile(
    aws_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "credentials"
    config.write_text("[audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    account = validate(AccountSpec(provider="aws", auth_method="profile", profile="audit", account_id="123456789012"))
    session = aws_session(account, aws_settings.aws)
    assert session.profile_name == "audit"
    creds = session.get_credentials()
    assert creds is not None
    assert creds.access_key == "AKIAAUDIT"


def test_azure_accounts_give_their_azure_identity_credential() -> None:
    from azure.identity import ClientSecretCredential, ManagedIdentityCredential

    sp = validate(
        AccountSpec(
            provider="azure",
            auth_method="service_principal",
            account_id=SUB,
            tenant_id=TENANT,
            client_id=CLIENT,
            secret="sp-secret",
        )
    )
    assert isinstance(azure_credential(sp), ClientSecretCredential)
    mi = validate(AccountSpec(provider="azure", auth_method="managed_identity", account_id=SUB, client_id=CLIENT))
    assert isinstance(azure_credential(mi), ManagedIdentityCredential)
    with pytest.raises(RegistrationError, match="is a azure account, not gcp"):
        gcp_credentials(mi)


def test_a_gcp_key_account_gives_service_account_credentials() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "shop-prod-1",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "disc@shop-prod-1.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    account = validate(
        AccountSpec(
            provider="gcp", auth_method="service_account_key", account_id="shop-prod-1", secret=json.dumps(info)
        )
    )
    creds = gcp_credentials(account)
    assert creds.service_account_email == "disc@shop-prod-1.iam.gserviceaccount.com"
    assert creds.project_id == "shop-prod-1"
    broken = validate(
        AccountSpec(
            provider="gcp",
            auth_method="service_account_key",
            account_id="shop-prod-1",
            secret=json.dumps({**info, "private_key": "not a key"}),
        )
    )
    with pytest.raises(RegistrationError, match="the stored key JSON is not usable"):
        gcp_credentials(broken)
