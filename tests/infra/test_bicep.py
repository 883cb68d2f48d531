"""The infrastructure keeps the journal's security promises, checked by parsing the Bicep.

The Bicep CLI cannot be installed here, so nothing compiles these files. pycep-parser turns each
file into a dict, and these tests assert what a reviewer would otherwise have to re-read by hand:
storage and vault hardening, the exact roles of the app identity, the app settings that
shared/config.py needs, and that no secret value is written into any infrastructure file.

pycep gives literals and symbol references the same shape ('production' and `production` both
become "production"), so the tests compare values against the symbols each file declares.
"""

from __future__ import annotations

import ast
import base64
import json
import math
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
PARAMETERS = INFRA / "main.parameters.json"
CONFIG = ROOT / "shared" / "config.py"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))

# Built-in role definition ids (the same in every tenant) and the resource each must be scoped to.
TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"
BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
EXPECTED_ROLES = {
    (TABLE_DATA_CONTRIBUTOR, "Microsoft.Storage/storageAccounts"),
    (BLOB_DATA_OWNER, "Microsoft.Storage/storageAccounts"),
    (QUEUE_DATA_CONTRIBUTOR, "Microsoft.Storage/storageAccounts"),
    (MONITORING_METRICS_PUBLISHER, "Microsoft.Insights/components"),
    (KEY_VAULT_SECRETS_USER, "Microsoft.KeyVault/vaults"),
}
# Roles that would let the identity change or delete resources, or grant itself more.
FORBIDDEN_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
    "17d1049b-9a84-46fb-8f53-869881c3d3ab": "Storage Account Contributor",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
}

# Settings shared/config.py reads that Azure deliberately does not set, and why.
LOCAL_ONLY_SETTINGS = {
    "JOURNAL_VAR_DIR": "local development keeps generated keys and mail under var/; production reads neither",
    "JOURNAL_ARGON2_PROFILE": "production keeps the RFC 9106 default; config refuses the 'test' profile",
    "JournalStorage": "the Azurite connection string; config refuses account keys outside local",
    "JOURNAL_MAIL_FOLDER": "the folder mail transport, which config refuses outside local development",
}
DEFAULTED_SETTINGS = {
    # Left unset so that the code default, which is the docs/security.md value, is the one source.
    "JOURNAL_PASSWORD_MIN_LENGTH": "S1",
    "JOURNAL_SESSION_IDLE_SECONDS": "S17",
    "JOURNAL_SESSION_ABSOLUTE_SECONDS": "S17",
    "JOURNAL_RESET_LINK_SECONDS": "S13",
    "JOURNAL_ACTIVATION_LINK_SECONDS": "S13",
    "JOURNAL_PHOTO_MAX_BYTES": "S26",
    "JOURNAL_PWNED_PASSWORDS_URL": "S2",
}
# App settings that config.py does not read, and who does.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__accountName": "Functions host storage, identity-based",
    "AzureWebJobsStorage__credential": "Functions host storage, identity-based",
    "AzureWebJobsStorage__clientId": "Functions host storage, identity-based",
    "JournalStorage__credential": "the host's identity-based connection for the queue triggers",
    "APPLICATIONINSIGHTS_CONNECTION_STRING": "host telemetry",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "host telemetry with Entra auth",
    "SECRETS_REVISION": "read by nobody; a new value makes the platform re-read Key Vault references",
}
KEY_VAULT_SECRETS = {
    "JOURNAL_JWT_KEYS": "jwt-keys",
    "JOURNAL_PEPPERS": "peppers",
    "JOURNAL_SMTP_PASSWORD": "smtp-password",
}
# Settings Flex Consumption rejects or ignores: runtime and deployment live in functionAppConfig.
FLEX_DEPRECATED_SETTINGS = {
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "SCM_DO_BUILD_DURING_DEPLOYMENT",
    "AzureWebJobsStorage",
}


# ---------------------------------------------------------------- reading the Bicep


@cache
def parse(path: Path) -> dict[str, Any]:
    return cast(dict[str, Any], BicepParser().parse(file_path=path))


def symbols(path: Path) -> set[str]:
    """Every name a file declares; a value equal to one of these is a reference, not a literal."""
    parsed = parse(path)
    names: set[str] = set()
    for section in ("parameters", "variables", "resources", "modules"):
        names |= set(parsed.get(section) or {})
    return names


def resources(kind: str) -> list[tuple[Path, str, dict[str, Any]]]:
    """(file, symbol, config) of every resource of one type that a Bicep file creates.

    `existing` references (roles.bicep looks up the resources it scopes roles to) are left out.
    """
    found = []
    for path in BICEP_FILES:
        for name, resource in (parse(path).get("resources") or {}).items():
            if resource["type"].lower() == kind.lower() and not resource["existing"]:
                config = resource["config"]
                if "loop_type" in config:  # `[for ...: {...}]`: the body sits one level down
                    config = config["config"]
                found.append((path, name, config))
    return found


def the_resource(kind: str) -> tuple[Path, str, dict[str, Any]]:
    found = resources(kind)
    assert len(found) == 1, f"expected exactly one {kind}, found {[name for _, name, _ in found]}"
    return found[0]


def unquoted(mapping: dict[str, Any]) -> dict[str, Any]:
    """pycep keeps the quotes of quoted keys (`'azd-service-name': x` gives "'azd-service-name'")."""
    return {key.strip("'"): value for key, value in mapping.items()}


def render(value: Any) -> str:
    """A property path such as `identity.outputs.clientId` as text; anything else as JSON."""
    if isinstance(value, str):
        return value
    operator = value.get("operator") if isinstance(value, dict) else None
    if operator and operator["type"] == "property_accessor":
        operands = operator["operands"]
        return f"{render(operands['operand_1'])}.{render(operands['operand_2'])}"
    return json.dumps(value, sort_keys=True)


def app_settings() -> dict[str, Any]:
    settings = [
        (path, config)
        for path, _, config in resources("Microsoft.Web/sites/config")
        if config["name"] == "appsettings"
    ]
    assert len(settings) == 1, "expected one appsettings resource"
    return dict(settings[0][1]["properties"])


def function_app_file() -> Path:
    return the_resource("Microsoft.Web/sites")[0]


def main_module(name: str) -> dict[str, Any]:
    module: dict[str, Any] = parse(MAIN)["modules"][name]
    return module


# ---------------------------------------------------------------- reading shared/config.py


def _is_env(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in {"env", "environ"}
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _expand(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """The setting names one expression can evaluate to; names held in variables are skipped."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        return set()  # a helper's parameter: its call sites pass the literal names
    if isinstance(node, ast.JoinedStr):
        return _expand_fstring(node, parents)
    raise AssertionError(f"config.py line {node.lineno} builds a setting name this test cannot read")


def _expand_fstring(node: ast.JoinedStr, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """f"JournalStorage__{name}ServiceUri" inside `for name in ("table", ...)`: every name it makes."""
    holes = [part for part in node.values if isinstance(part, ast.FormattedValue)]
    if len(holes) != 1 or not isinstance(holes[0].value, ast.Name):
        raise AssertionError(f"config.py line {node.lineno}: unreadable f-string setting name")
    variable = holes[0].value.id
    scope: ast.AST | None = node
    while scope is not None:
        generators = getattr(scope, "generators", [])
        for generator in generators:
            if isinstance(generator.target, ast.Name) and generator.target.id == variable:
                choices = ast.literal_eval(generator.iter)
                return {
                    "".join(
                        choice if isinstance(part, ast.FormattedValue) else str(part.value)
                        for part in node.values
                        if isinstance(part, ast.FormattedValue | ast.Constant)
                    )
                    for choice in choices
                }
        scope = parents.get(scope)
    raise AssertionError(f"config.py line {node.lineno}: no loop gives the values of {variable!r}")


@cache
def settings_read_by_config() -> frozenset[str]:
    """Every environment name config.py reads: env.get(NAME), env[NAME], helper(env, NAME)."""
    tree = ast.parse(CONFIG.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and _is_env(func.value) and node.args:
                names |= _expand(node.args[0], parents)
            elif len(node.args) >= 2 and _is_env(node.args[0]):
                names |= _expand(node.args[1], parents)
        elif isinstance(node, ast.Subscript) and _is_env(node.value):
            names |= _expand(node.slice, parents)
    return frozenset(names)


# ---------------------------------------------------------------- spotting secret values


SECRET_MARKERS = re.compile(
    r"AccountKey=|SharedAccessKey=|SharedAccessSignature=|DefaultEndpointsProtocol=|"
    r"InstrumentationKey=[0-9a-f]|[?&]sig=[A-Za-z0-9%]{8}|-----BEGIN [A-Z ]*PRIVATE KEY",
    re.IGNORECASE,
)
# `password: 'literal'`, `"smtpPassword": {"value": "literal"}` and the like, on one line.
SECRET_ASSIGNMENT = re.compile(
    r"""(password|passwd|pwd|secret|api_?key|token)\w*["']?\s*[:=]\s*"""
    r"""(\{\s*"value"\s*:\s*)?(?P<quote>["'])(?P<value>[^"'\n]*)(?P=quote)""",
    re.IGNORECASE,
)
BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
# Addresses are removed before looking for base64 runs (a SAS signature is caught by `sig=`).
URL = re.compile(r"https?://[^\s'\"`)]+")


def _looks_random(run: str) -> bool:
    """A long base64 run with digits and both cases, and the character spread of random bytes."""
    classes = (any(c.isdigit() for c in run), any(c.isupper() for c in run), any(c.islower() for c in run))
    counts = Counter(run)
    entropy = -sum(n / len(run) * math.log2(n / len(run)) for n in counts.values())
    return all(classes) and entropy > 4.0


def secret_values_in(text: str) -> list[str]:
    """Everything in a text that looks like a secret value rather than a reference to one."""
    found = [match.group(0) for match in SECRET_MARKERS.finditer(text)]
    for match in SECRET_ASSIGNMENT.finditer(text):
        value = match.group("value")
        # Empty values, azd substitutions, Bicep interpolations and Key Vault references are fine.
        if value and not value.startswith(("${", "@Microsoft.KeyVault(")):
            found.append(match.group(0))
    found += [run for run in BASE64_RUN.findall(URL.sub(" ", text)) if _looks_random(run)]
    return found


def infra_files() -> Iterator[Path]:
    yield from sorted(path for path in INFRA.rglob("*") if path.is_file())
    yield ROOT / "azure.yaml"


# ================================================================ tests: wiring


def test_every_bicep_file_parses_and_main_uses_every_module() -> None:
    assert MAIN in BICEP_FILES
    used = {INFRA / module["detail"]["path"] for module in parse(MAIN)["modules"].values()}
    modules = {path for path in BICEP_FILES if path != MAIN}
    assert used == modules, "a module is missing or unused"
    for path in BICEP_FILES:
        assert parse(path).get("resources") or parse(path).get("modules"), f"{path} declares nothing"


def test_main_passes_each_module_only_parameters_it_declares_and_every_required_one() -> None:
    for name, module in parse(MAIN)["modules"].items():
        declared = parse(INFRA / module["detail"]["path"])["parameters"]
        passed = set(module["config"]["params"])
        assert passed <= set(declared), f"module {name} gets unknown parameters {passed - set(declared)}"
        required = {param for param, spec in declared.items() if spec["default"] is None}
        assert required <= passed, f"module {name} misses required parameters {required - passed}"


def test_main_reads_only_outputs_the_modules_declare() -> None:
    modules = parse(MAIN)["modules"]
    for module_name, output in re.findall(r"\b(\w+)\.outputs\.(\w+)", MAIN.read_text()):
        assert module_name in modules, f"{module_name}.outputs used but no such module"
        outputs = parse(INFRA / modules[module_name]["detail"]["path"])["outputs"]
        assert output in outputs, f"module {module_name} has no output {output}"


def test_every_interpolation_names_a_declared_symbol() -> None:
    for path in BICEP_FILES:
        for root, call in re.findall(r"\$\{\s*(\w+)\s*(\(?)", path.read_text()):
            if not call:  # `${uniqueString(...)}` is a function, not a symbol
                assert root in symbols(path), f"{path.name}: ${{{root}}} names nothing declared"


def test_every_parameter_and_variable_is_used() -> None:
    for path in BICEP_FILES:
        code = re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.MULTILINE)
        parsed = parse(path)
        for name in [*parsed["parameters"], *(parsed.get("variables") or {})]:
            uses = len(re.findall(rf"\b{re.escape(name)}\b", code)) - 1
            assert uses > 0, f"{path.name}: {name} is declared but never used"


def test_every_module_is_wired_to_the_one_identity_and_its_resources() -> None:
    roles = main_module("roles")["config"]["params"]
    app = main_module("functionApp")["config"]["params"]
    assert render(roles["principalId"]) == "identity.outputs.principalId"
    assert render(app["identityId"]) == "identity.outputs.id"
    assert render(app["identityClientId"]) == "identity.outputs.clientId"
    assert render(app["keyVaultUri"]) == "keyVault.outputs.uri"
    assert render(app["storageAccountName"]) == "storage.outputs.name"
    assert render(roles["storageAccountName"]) == "storage.outputs.name"
    assert render(roles["keyVaultName"]) == "keyVault.outputs.name"
    assert render(roles["applicationInsightsName"]) == "monitoring.outputs.applicationInsightsName"
    assert main_module("functionApp")["config"]["dependsOn"] == ["roles"]


# ================================================================ tests: identity


def test_the_app_runs_only_as_its_user_assigned_identity() -> None:
    assert len(resources("Microsoft.ManagedIdentity/userAssignedIdentities")) == 1
    path, _, site = the_resource("Microsoft.Web/sites")
    assert site["identity"]["type"] == "UserAssigned"
    assert list(unquoted(site["identity"]["userAssignedIdentities"])) == ["${identityId}"]
    assert site["properties"]["keyVaultReferenceIdentity"] == "identityId"
    storage = site["properties"]["functionAppConfig"]["deployment"]["storage"]
    assert storage["authentication"] == {
        "type": "UserAssignedIdentity",
        "userAssignedIdentityResourceId": "identityId",
    }
    assert "identityId" in parse(path)["parameters"]


# ================================================================ tests: storage


def test_storage_account_accepts_only_entra_id_over_tls_1_2() -> None:
    _, _, account = the_resource("Microsoft.Storage/storageAccounts")
    assert account["kind"] == "StorageV2"
    properties = account["properties"]
    assert properties["allowSharedKeyAccess"] is False
    assert properties["allowBlobPublicAccess"] is False
    assert properties["minimumTlsVersion"] == "TLS1_2"
    assert properties["supportsHttpsTrafficOnly"] is True
    assert properties["defaultToOAuthAuthentication"] is True


def test_deleted_photos_are_really_gone_no_soft_delete_versions_or_change_feed() -> None:
    _, _, blob_service = the_resource("Microsoft.Storage/storageAccounts/blobServices")
    properties = blob_service["properties"]
    assert properties["deleteRetentionPolicy"] == {"enabled": False}
    assert properties["containerDeleteRetentionPolicy"] == {"enabled": False}
    assert properties["isVersioningEnabled"] is False
    assert properties["changeFeed"] == {"enabled": False}
    assert properties.get("restorePolicy", {"enabled": False}) == {"enabled": False}
    assert "lastAccessTimeTrackingPolicy" not in properties
    # Management policies could move blobs aside instead of deleting them: none are declared.
    assert not resources("Microsoft.Storage/storageAccounts/managementPolicies")
    assert not resources("Microsoft.Storage/storageAccounts/objectReplicationPolicies")


def test_only_the_private_deployment_container_is_declared() -> None:
    containers = resources("Microsoft.Storage/storageAccounts/blobServices/containers")
    assert len(containers) == 1
    _, _, container = containers[0]
    assert container["properties"]["publicAccess"] == "None"
    _, _, site = the_resource("Microsoft.Web/sites")
    deployment = site["properties"]["functionAppConfig"]["deployment"]["storage"]
    assert deployment["type"] == "blobContainer"
    assert deployment["value"] == "${blobEndpoint}${deploymentContainerName}"
    assert render(main_module("functionApp")["config"]["params"]["deploymentContainerName"]) == (
        "storage.outputs.deploymentContainerName"
    )


# ================================================================ tests: Key Vault


def test_key_vault_uses_rbac_with_purge_protection_and_no_access_policies() -> None:
    _, _, vault = the_resource("Microsoft.KeyVault/vaults")
    properties = vault["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert properties["enablePurgeProtection"] is True
    assert properties["enableSoftDelete"] is True
    assert properties["softDeleteRetentionInDays"] >= 7
    assert "accessPolicies" not in properties
    assert not resources("Microsoft.KeyVault/vaults/accessPolicies")


def test_no_secret_is_declared_in_bicep_so_no_value_passes_through_a_template() -> None:
    assert not resources("Microsoft.KeyVault/vaults/secrets")
    assert not resources("Microsoft.Resources/deploymentScripts")
    for path in BICEP_FILES:
        for name, spec in parse(path)["parameters"].items():
            decorators = {decorator["type"] for decorator in spec["decorators"]}
            assert "secure" not in decorators, f"{path.name}: @secure() param {name} means a secret flows in"


def test_no_template_reads_storage_keys_or_connection_strings() -> None:
    for path in BICEP_FILES:
        text = path.read_text()
        assert not re.search(r"\blist(Keys|AccountSas|ServiceSas|ConnectionStrings)\s*\(", text), path.name


# ================================================================ tests: monitoring


def test_application_insights_and_log_analytics_accept_only_entra_auth() -> None:
    _, _, insights = the_resource("Microsoft.Insights/components")
    assert insights["properties"]["DisableLocalAuth"] is True
    assert insights["properties"]["DisableIpMasking"] is False
    _, _, workspace = the_resource("Microsoft.OperationalInsights/workspaces")
    assert workspace["properties"]["features"]["disableLocalAuth"] is True


def test_key_vault_audit_log_is_kept() -> None:
    _, _, diagnostics = the_resource("Microsoft.Insights/diagnosticSettings")
    assert diagnostics["scope"] == "vault"
    assert {"categoryGroup": "audit", "enabled": True} in diagnostics["properties"]["logs"]


# ================================================================ tests: function app


def test_function_app_is_python_3_11_on_flex_consumption() -> None:
    _, _, plan = the_resource("Microsoft.Web/serverfarms")
    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert plan["properties"]["reserved"] is True
    _, _, site = the_resource("Microsoft.Web/sites")
    assert site["kind"] == "functionapp,linux"
    assert render(site["properties"]["serverFarmId"]) == "plan.id"
    assert site["properties"]["functionAppConfig"]["runtime"] == {"name": "python", "version": "3.11"}
    assert site["tags"]["function"]["type"] == "union"
    merged = [
        unquoted(arg) for arg in site["tags"]["function"]["parameters"].values() if isinstance(arg, dict)
    ]
    assert {"azd-service-name": "api"} in merged


def test_function_app_serves_only_https_with_tls_1_2_and_no_ftp() -> None:
    _, _, site = the_resource("Microsoft.Web/sites")
    assert site["properties"]["httpsOnly"] is True
    site_config = site["properties"]["siteConfig"]
    assert site_config["minTlsVersion"] == "1.2"
    assert site_config["scmMinTlsVersion"] == "1.2"
    assert site_config["ftpsState"] == "Disabled"
    assert site_config["http20Enabled"] is True
    # Same-origin web client: no CORS origin may be allowed.
    assert "cors" not in site_config


def test_basic_auth_publishing_is_off_for_ftp_and_scm() -> None:
    policies = resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
    assert {config["name"]: config["properties"]["allow"] for _, _, config in policies} == {
        "ftp": False,
        "scm": False,
    }


# ================================================================ tests: roles


def test_the_identity_holds_exactly_the_five_data_roles_each_on_its_own_resource() -> None:
    granted = set()
    for path, name, assignment in resources("Microsoft.Authorization/roleAssignments"):
        role = assignment["properties"]["roleDefinitionId"]["function"]
        assert role["type"] == "subscription_resource_id", f"{name}: role id must be a built-in role"
        assert role["parameters"]["resource_type"] == "Microsoft.Authorization/roleDefinitions"
        scope = assignment.get("scope")
        assert isinstance(scope, str), f"{name} has no resource scope: it would apply to the resource group"
        scoped = parse(path)["resources"][scope]
        granted.add((role["parameters"]["resource_name_1"], scoped["type"]))
        assert assignment["properties"]["principalId"] == "principalId"
        assert assignment["properties"]["principalType"] == "ServicePrincipal"
    assert granted == EXPECTED_ROLES


def test_no_owner_contributor_or_access_admin_role_appears_anywhere() -> None:
    for path in infra_files():
        text = path.read_text().lower()
        for role_id, role in FORBIDDEN_ROLES.items():
            assert role_id not in text, f"{path.name} mentions the {role} role"


def test_every_role_id_in_the_infrastructure_is_one_of_the_five() -> None:
    guid = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
    expected = {role_id for role_id, _ in EXPECTED_ROLES}
    for path in BICEP_FILES:
        assert set(guid.findall(path.read_text().lower())) <= expected, path.name


# ================================================================ tests: app settings


def test_the_exception_lists_name_only_settings_config_still_reads() -> None:
    stale = (set(LOCAL_ONLY_SETTINGS) | set(DEFAULTED_SETTINGS)) - settings_read_by_config()
    assert not stale, f"config.py no longer reads {stale}: drop them from the exception lists"


def test_config_reading_is_understood_by_this_test() -> None:
    # Any setting-like name in config.py must be one the AST walk found, so a new way of reading
    # the environment cannot slip past the coverage test below.
    mentioned = set(
        re.findall(r"\b(JOURNAL_[A-Z0-9_]+|JournalStorage(?:__\w+)?|AZURE_[A-Z_]+)\b", CONFIG.read_text())
    )
    assert mentioned <= settings_read_by_config(), mentioned - settings_read_by_config()
    assert {"JournalStorage__tableServiceUri", "JOURNAL_JWT_KEYS"} <= settings_read_by_config()


def test_every_setting_config_reads_is_provided_by_the_function_app() -> None:
    needed = settings_read_by_config() - set(LOCAL_ONLY_SETTINGS) - set(DEFAULTED_SETTINGS)
    missing = needed - set(app_settings())
    assert not missing, f"config.py reads {sorted(missing)} but the function app does not set them"


def test_every_app_setting_is_read_by_config_or_by_the_platform() -> None:
    unknown = set(app_settings()) - settings_read_by_config() - set(PLATFORM_SETTINGS)
    assert not unknown, f"app settings nobody reads (a typo?): {sorted(unknown)}"


def test_local_only_settings_are_not_set_in_azure() -> None:
    assert not set(LOCAL_ONLY_SETTINGS) & set(app_settings())


def test_secrets_arrive_only_as_key_vault_references() -> None:
    settings = app_settings()
    for setting, secret in KEY_VAULT_SECRETS.items():
        assert settings[setting] == f"@Microsoft.KeyVault(SecretUri=${{keyVaultUri}}secrets/{secret}/)"
    assert "keyVaultUri" in parse(function_app_file())["parameters"]


def test_fixed_settings_hold_production_values() -> None:
    settings = app_settings()
    declared = symbols(function_app_file())
    literals = {
        "JOURNAL_ENVIRONMENT": "production",
        "JOURNAL_MAIL_TRANSPORT": "smtp",
        "JournalStorage__credential": "managedidentity",
        "AzureWebJobsStorage__credential": "managedidentity",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Authorization=AAD;ClientId=${identityClientId}",
    }
    for setting, value in literals.items():
        assert settings[setting] == value and value not in declared, setting


def test_settings_from_parameters_point_at_the_identity_and_the_storage_account() -> None:
    settings = app_settings()
    parameters = parse(function_app_file())["parameters"]
    expected = {
        "AZURE_CLIENT_ID": "identityClientId",
        "JournalStorage__clientId": "identityClientId",
        "AzureWebJobsStorage__clientId": "identityClientId",
        "AzureWebJobsStorage__accountName": "storageAccountName",
        "JournalStorage__tableServiceUri": "tableEndpoint",
        "JournalStorage__blobServiceUri": "blobEndpoint",
        "JournalStorage__queueServiceUri": "queueEndpoint",
        "JOURNAL_JWT_CURRENT_KID": "jwtCurrentKid",
        "JOURNAL_PEPPER_CURRENT": "pepperCurrent",
        "JOURNAL_MAIL_FROM": "mailFrom",
        "JOURNAL_SMTP_HOST": "smtpHost",
        "JOURNAL_SMTP_USERNAME": "smtpUsername",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "applicationInsightsConnectionString",
        "SECRETS_REVISION": "secretsRevision",
    }
    for setting, parameter in expected.items():
        assert settings[setting] == parameter and parameter in parameters, setting
    for endpoint in ("tableEndpoint", "blobEndpoint", "queueEndpoint"):
        passed = main_module("functionApp")["config"]["params"][endpoint]
        assert render(passed) == f"storage.outputs.{endpoint}"


def test_public_base_url_defaults_to_the_https_host_name_of_the_app() -> None:
    setting = app_settings()["JOURNAL_PUBLIC_BASE_URL"]["operator"]
    assert setting["type"] == "conditional"
    assert setting["operands"]["true_value"] == "https://${site.properties.defaultHostName}"
    assert setting["operands"]["false_value"] == "publicBaseUrl"


def test_no_storage_connection_string_or_flex_deprecated_setting() -> None:
    settings = app_settings()
    assert not FLEX_DEPRECATED_SETTINGS & set(settings)
    assert "JournalStorage" not in settings


# ================================================================ tests: no secret values


@pytest.mark.parametrize(
    "sample",
    [
        "AccountKey=" + base64.b64encode(secrets.token_bytes(64)).decode(),
        base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
        "    smtpPassword: 'correct horse battery staple'",
        '"smtpPassword": {"value": "hunter2hunter2"}',
        "DefaultEndpointsProtocol=https;AccountName=x;EndpointSuffix=core.windows.net",
        "https://x.blob.core.windows.net/c/b?sv=2024-01-01&sig=abcdEFGH1234%2B",
    ],
)
def test_the_secret_scanner_catches_what_it_is_meant_to_catch(sample: str) -> None:
    assert secret_values_in(sample)


def test_the_secret_scanner_leaves_references_and_names_alone() -> None:
    harmless = (
        "JOURNAL_SMTP_PASSWORD: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/smtp-password/)'\n"
        "resource x 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01'\n"
        '"smtpUsername": {"value": "${JOURNAL_SMTP_USERNAME}"}\n'
        "JournalStorage__tableServiceUri: tableEndpoint\n"
    )
    assert secret_values_in(harmless) == []


@pytest.mark.parametrize("path", list(infra_files()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_secret_value_is_written_in_any_infrastructure_file(path: Path) -> None:
    assert secret_values_in(path.read_text()) == []


def test_main_parameters_hold_only_azd_substitutions_and_no_secret_values() -> None:
    document = json.loads(PARAMETERS.read_text())
    declared = parse(MAIN)["parameters"]
    assert set(document["parameters"]) <= set(declared)
    for name, entry in document["parameters"].items():
        assert set(entry) == {"value"}, f"{name}: only plain values, no Key Vault parameter references"
        value = entry["value"]
        match = re.fullmatch(r"\$\{(?P<variable>[A-Z0-9_]+)(=(?P<default>[^}]*))?\}", value)
        assert match, f"{name} holds a literal value instead of an azd environment substitution"
        default = match.group("default") or ""
        assert len(default) < 40 and not secret_values_in(default), name
        assert not re.search(r"KEYS|PEPPERS\b|PASSWORD|SECRET(?!S_REVISION)", match.group("variable")), name
    assert secret_values_in(PARAMETERS.read_text()) == []


# ================================================================ tests: azd and packaging


def _yaml_mapping(text: str) -> dict[str, Any]:
    """The nested `key: value` mappings of a small YAML file (no lists, no multi-line values)."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if value.strip():
            parent[key] = value.strip()
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


def test_azure_yaml_deploys_one_python_function_service_from_the_repository_root() -> None:
    project = _yaml_mapping((ROOT / "azure.yaml").read_text())
    assert project["services"] == {"api": {"project": ".", "language": "python", "host": "function"}}
    assert project["infra"] == {"provider": "bicep", "path": "infra", "module": "main"}


def test_funcignore_keeps_tests_infra_and_local_files_out_of_the_package() -> None:
    ignored = {line.strip() for line in (ROOT / ".funcignore").read_text().splitlines()}
    for entry in ("tests/", "infra/", "var/", "node_modules/", ".venv/", "devhost/", "local.settings.json"):
        assert entry in ignored, entry
    for kept in ("function_app.py", "functions/", "shared/", "host.json", "requirements.txt"):
        assert kept not in ignored, kept
