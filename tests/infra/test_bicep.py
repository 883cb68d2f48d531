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

# Built-in role definition ids (the same in every tenant).
TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"
BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
BLOB_DELEGATOR = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"
QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
# The app's own role on the audit archive, defined in roles.bicep (S41): append and read, no delete.
AUDIT_APPENDER = "custom:auditArchiveAppender"
# (role, type of the resource it is scoped to, symbol of that resource in roles.bicep). Least
# privilege, AZURE-NOTES "Roles for user delegation SAS": Delegator at the photo account, Blob Data
# Contributor on its containers only, Blob Data Owner only on the host's own account.
EXPECTED_ROLES = {
    (BLOB_DATA_OWNER, "Microsoft.Storage/storageAccounts", "hostStorage"),
    (BLOB_DELEGATOR, "Microsoft.Storage/storageAccounts", "photoStorage"),
    (BLOB_DATA_CONTRIBUTOR, "Microsoft.Storage/storageAccounts/blobServices/containers", "containers"),
    (AUDIT_APPENDER, "Microsoft.Storage/storageAccounts/blobServices/containers", "auditContainer"),
    (TABLE_DATA_CONTRIBUTOR, "Microsoft.Storage/storageAccounts", "dataStorage"),
    (QUEUE_DATA_CONTRIBUTOR, "Microsoft.Storage/storageAccounts", "dataStorage"),
    (MONITORING_METRICS_PUBLISHER, "Microsoft.Insights/components", "applicationInsights"),
    (KEY_VAULT_SECRETS_USER, "Microsoft.KeyVault/vaults", "vault"),
}
APP_CONTAINERS = {"photos", "exports", "audit-archive"}
CONTAINERS = "Microsoft.Storage/storageAccounts/blobServices/containers"
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
    "JOURNAL_PHOTOS_PER_DAY_PARENT": "S26",
    "JOURNAL_PHOTOS_PER_DAY_STAFF": "S26",
    "JOURNAL_PWNED_PASSWORDS_URL": "S2",
    "JOURNAL_VERIFIES_PER_CLIENT_MINUTE": "S10",
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
    "JOURNAL_SEALING_KEYS": "sealing-keys",
    "JOURNAL_SMTP_PASSWORD": "smtp-password",
}
# What Flex Consumption rejects or ignores on a site: one list. Source: Microsoft Learn, "App
# settings reference for Azure Functions", section "Flex Consumption plan deprecations"
# (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations)
# for the settings and site properties, and ARM error 51021 for `ftpsState` ("The following site
# configuration property (Site.SiteConfig.FtpsState) for Flex Consumption sites is invalid").
# Flex also ignores WEBSITE_TIME_ZONE and TZ: its timers always run in UTC.
FLEX_REJECTED_APP_SETTINGS = {
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_WORKER_RUNTIME_VERSION",
    "FUNCTIONS_MAX_HTTP_CONCURRENCY",
    "FUNCTIONS_WORKER_PROCESS_COUNT",
    "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
    "SCM_DO_BUILD_DURING_DEPLOYMENT",
    "ENABLE_ORYX_BUILD",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "WEBSITE_CONTENTOVERVNET",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_DNS_SERVER",
    "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
    "WEBSITE_NODE_DEFAULT_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
    "WEBSITE_VNET_ROUTE_ALL",
    "WEBSITE_TIME_ZONE",
    "TZ",
    "AzureWebJobsStorage",
}
FLEX_REJECTED_SITE_PROPERTIES = {
    "ftpsState",
    "alwaysOn",
    "linuxFxVersion",
    "windowsFxVersion",
    "netFrameworkVersion",
    "javaVersion",
    "powerShellVersion",
    "pythonVersion",
    "use32BitWorkerProcess",
    "functionAppScaleLimit",
    "minimumElasticInstanceCount",
    "preWarmedInstanceCount",
    "vnetRouteAllEnabled",
    "vnetContentShareEnabled",
    "containerSize",
    "dailyMemoryTimeQuota",
}
# Flex has no FTP endpoint: a basic-publishing policy for it is not a thing to set.
FLEX_REJECTED_PUBLISHING_POLICIES = {"ftp"}


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


def loop_variables(path: Path) -> set[str]:
    """Names bound by `[for x in ...]` and `[for (x, i) in ...]` in a file."""
    return set(re.findall(r"\[for\s+\(?\s*(\w+)", path.read_text()))


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


def in_file(kind: str, name: str) -> list[dict[str, Any]]:
    """The config of every resource of one type that the Bicep file `name` creates."""
    return [config for path, _, config in resources(kind) if path.name == name]


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
                assert root in symbols(path) | loop_variables(path), f"{path.name}: ${{{root}}} names nothing"


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
    assert render(roles["hostStorageName"]) == "hostStorage.outputs.name"
    assert render(roles["dataStorageName"]) == "dataStorage.outputs.name"
    assert render(roles["photoStorageName"]) == "photoStorage.outputs.name"
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


def test_every_storage_account_accepts_only_entra_id_over_tls_1_2() -> None:
    accounts = resources("Microsoft.Storage/storageAccounts")
    assert {path.name for path, _, _ in accounts} == {
        "hoststorage.bicep",
        "datastorage.bicep",
        "photostorage.bicep",
    }
    for path, _, account in accounts:
        assert account["kind"] == "StorageV2", path.name
        properties = account["properties"]
        assert properties["allowSharedKeyAccess"] is False, path.name
        assert properties["allowBlobPublicAccess"] is False, path.name
        assert properties["minimumTlsVersion"] == "TLS1_2", path.name
        assert properties["supportsHttpsTrafficOnly"] is True, path.name
        assert properties["defaultToOAuthAuthentication"] is True, path.name
        assert properties["allowCrossTenantReplication"] is False, path.name


def test_s41_the_host_storage_is_its_own_account_apart_from_the_journal_data() -> None:
    settings = app_settings()
    app = main_module("functionApp")["config"]["params"]
    assert settings["AzureWebJobsStorage__accountName"] == "hostStorageName"
    assert render(app["hostStorageName"]) == "hostStorage.outputs.name"
    assert render(app["hostBlobEndpoint"]) == "hostStorage.outputs.blobEndpoint"
    assert render(app["deploymentContainerName"]) == "hostStorage.outputs.deploymentContainerName"
    _, _, site = the_resource("Microsoft.Web/sites")
    deployment = site["properties"]["functionAppConfig"]["deployment"]["storage"]
    assert deployment["type"] == "blobContainer"
    assert deployment["value"] == "${hostBlobEndpoint}${deploymentContainerName}"
    # The journal's endpoints come from the journal's accounts, never from the host's.
    assert render(app["tableEndpoint"]) == "dataStorage.outputs.tableEndpoint"
    assert render(app["queueEndpoint"]) == "dataStorage.outputs.queueEndpoint"
    assert render(app["blobEndpoint"]) == "photoStorage.outputs.blobEndpoint"
    names = {render(main_module(name)["config"]["params"]["name"]) for name in STORAGE_MODULES}
    assert len(names) == 3, "the three accounts need three names"


def test_deleted_photos_are_really_gone_no_soft_delete_versions_or_change_feed() -> None:
    photo = in_file("Microsoft.Storage/storageAccounts/blobServices", "photostorage.bicep")
    assert len(photo) == 1
    properties = photo[0]["properties"]
    assert properties["deleteRetentionPolicy"] == {"enabled": False}
    assert properties["containerDeleteRetentionPolicy"] == {"enabled": False}
    assert properties["isVersioningEnabled"] is False
    assert properties["changeFeed"] == {"enabled": False}
    assert properties.get("restorePolicy", {"enabled": False}) == {"enabled": False}
    assert "lastAccessTimeTrackingPolicy" not in properties
    for path, _, service in resources("Microsoft.Storage/storageAccounts/blobServices"):
        features = service.get("properties", {})
        for feature in (
            "deleteRetentionPolicy",
            "containerDeleteRetentionPolicy",
            "changeFeed",
            "restorePolicy",
        ):
            assert features.get(feature, {"enabled": False}) == {"enabled": False}, path.name
    # Management policies could move blobs aside instead of deleting them: none are declared.
    assert not resources("Microsoft.Storage/storageAccounts/managementPolicies")
    assert not resources("Microsoft.Storage/storageAccounts/objectReplicationPolicies")


def test_every_container_is_private_and_each_lives_in_the_account_for_its_purpose() -> None:
    containers = resources("Microsoft.Storage/storageAccounts/blobServices/containers")
    by_file: dict[str, set[str]] = {}
    for path, _, container in containers:
        assert container["properties"]["publicAccess"] == "None"
        by_file.setdefault(path.name, set()).add(container["name"])
    assert by_file == {
        "hoststorage.bicep": {"deploymentContainerName"},
        "photostorage.bicep": {"photoContainerName", "exportContainerName", "auditContainerName"},
    }
    declared = parse(INFRA / "modules" / "photostorage.bicep")["variables"]
    assert {declared[name]["value"] for name in by_file["photostorage.bicep"]} == APP_CONTAINERS


def test_s41_the_audit_archive_container_is_immutable_for_a_fixed_time() -> None:
    path, _, policy = the_resource(f"{CONTAINERS}/immutabilityPolicies")
    assert path.name == "photostorage.bicep"
    assert policy["parent"] == "auditContainer" and policy["name"] == "default"
    period = policy["properties"]["immutabilityPeriodSinceCreationInDays"]
    parameter = parse(path)["parameters"][period]
    assert parameter["type"] == "int" and parameter["default"] >= 365
    assert {"type": "min_value", "argument": 1} in parameter["decorators"]
    # New entries may be appended; nothing written can be overwritten or deleted.
    assert policy["properties"]["allowProtectedAppendWrites"] is True
    assert parse(path)["variables"]["auditContainerName"]["value"] == "audit-archive"


def test_s41_storage_reads_of_journal_data_go_to_log_analytics() -> None:
    logged = {}
    for path, _, setting in resources("Microsoft.Insights/diagnosticSettings"):
        categories = {entry.get("category") for entry in setting["properties"]["logs"] if entry["enabled"]}
        logged[(path.name, setting["scope"])] = categories
        assert setting["properties"]["workspaceId"] == "workspaceId"
    for service in (("photostorage.bicep", "blobService"), ("datastorage.bicep", "tableService"),
                    ("datastorage.bicep", "queueService")):  # fmt: skip
        assert "StorageRead" in logged.get(service, set()), service
    for name in ("dataStorage", "photoStorage", "keyVault"):
        passed = main_module(name)["config"]["params"]["workspaceId"]
        assert render(passed) == "monitoring.outputs.workspaceId", name


# ================================================================ tests: network


def _network_rules(path: Path) -> dict[str, Any]:
    resource = next(c for p, _, c in resources(RESOURCE_OF[path.name]) if p == path)
    return cast(dict[str, Any], resource["properties"])


def _closed_unless_an_operator_is_let_in(value: Any) -> bool:
    """'Disabled', or `empty(operatorIpRange) ? 'Disabled' : 'Enabled'`."""
    if value == "Disabled":
        return True
    operands = value["operator"]["operands"]
    condition = operands["condition"]["function"]
    return bool(
        value["operator"]["type"] == "conditional"
        and condition == {"type": "empty", "parameters": {"item_to_test": "operatorIpRange"}}
        and operands["true_value"] == "Disabled"
    )


RESOURCE_OF = {
    "hoststorage.bicep": "Microsoft.Storage/storageAccounts",
    "datastorage.bicep": "Microsoft.Storage/storageAccounts",
    "photostorage.bicep": "Microsoft.Storage/storageAccounts",
    "keyvault.bicep": "Microsoft.KeyVault/vaults",
}
STORAGE_MODULES = ("hostStorage", "dataStorage", "photoStorage")


@pytest.mark.parametrize("name", ["hoststorage.bicep", "datastorage.bicep", "keyvault.bicep"])
def test_s41_stores_browsers_never_reach_deny_the_internet_by_default(name: str) -> None:
    properties = _network_rules(INFRA / "modules" / name)
    assert _closed_unless_an_operator_is_let_in(properties["publicNetworkAccess"]), name
    assert properties["networkAcls"]["defaultAction"] == "Deny", name
    assert properties["networkAcls"]["bypass"] == "None", name
    rules = properties["networkAcls"].get("ipRules", [])
    if rules:  # only the operator's own range, only when given
        assert rules["operator"]["operands"]["true_value"] == []
    operator = parse(INFRA / "modules" / name)["parameters"].get("operatorIpRange")
    assert operator is None or operator["default"] == ""


def test_s41_only_the_photo_account_is_public_because_browsers_fetch_sas_links_from_it() -> None:
    properties = _network_rules(INFRA / "modules" / "photostorage.bicep")
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["networkAcls"] == {"defaultAction": "Allow", "bypass": "None"}
    # It holds blobs only: the app's tables and queues are in the closed account.
    assert not in_file("Microsoft.Storage/storageAccounts/tableServices", "photostorage.bicep")
    assert not in_file("Microsoft.Storage/storageAccounts/queueServices", "photostorage.bicep")
    text = (INFRA / "modules" / "photostorage.bicep").read_text()
    assert "user delegation SAS" in text and "browsers" in text.lower()


def test_s41_the_app_reaches_the_closed_stores_through_private_endpoints_in_its_subnet() -> None:
    _, _, site = the_resource("Microsoft.Web/sites")
    assert site["properties"]["virtualNetworkSubnetId"] == "appSubnetId"
    passed = main_module("functionApp")["config"]["params"]["appSubnetId"]
    assert render(passed) == "network.outputs.appSubnetId"
    _, _, network = the_resource("Microsoft.Network/virtualNetworks")
    app_subnet = next(s for s in network["properties"]["subnets"] if s["name"] == "app")
    delegation = app_subnet["properties"]["delegations"][0]["properties"]
    assert delegation["serviceName"] == "Microsoft.App/environments"
    groups: dict[str, set[str]] = {}
    for path, _, endpoint in resources("Microsoft.Network/privateEndpoints"):
        connection = endpoint["properties"]["privateLinkServiceConnections"][0]["properties"]
        assert endpoint["properties"]["subnet"] == {"id": "endpointSubnetId"}
        target = connection["privateLinkServiceId"]
        assert render(target) in {"account.id", "vault.id"}
        group_ids = connection["groupIds"]
        if group_ids == ["service"]:  # a loop over the file's `services` variable
            group_ids = parse(path)["variables"]["services"]["value"]
        groups.setdefault(path.name, set()).update(group_ids)
    assert groups == {
        "hoststorage.bicep": {"blob"},
        "datastorage.bicep": {"table", "queue"},
        "keyvault.bicep": {"vault"},
    }
    zones = {path.name for path, _, _ in resources("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")}
    assert zones == set(groups), "every private endpoint registers its address in a private DNS zone"


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
    vault_logs = in_file("Microsoft.Insights/diagnosticSettings", "keyvault.bicep")
    assert len(vault_logs) == 1
    assert vault_logs[0]["scope"] == "vault"
    assert {"categoryGroup": "audit", "enabled": True} in vault_logs[0]["properties"]["logs"]


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


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_no_site_property_or_app_setting_that_flex_consumption_rejects_appears() -> None:
    _, _, site = the_resource("Microsoft.Web/sites")
    assert "siteConfig" not in site["properties"], "Flex takes runtime and scale from functionAppConfig"
    found = set(_keys(site)) & FLEX_REJECTED_SITE_PROPERTIES
    assert not found, f"Flex Consumption rejects {found}"
    assert not set(app_settings()) & FLEX_REJECTED_APP_SETTINGS
    for path in BICEP_FILES:  # as a property of no resource in any file, not only the site
        for name, resource in (parse(path).get("resources") or {}).items():
            rejected = set(_keys(resource["config"])) & (
                FLEX_REJECTED_SITE_PROPERTIES | FLEX_REJECTED_APP_SETTINGS
            )
            assert not rejected, f"{path.name}: {name} sets {rejected}"


def test_function_app_serves_only_https_with_no_cors_origin() -> None:
    _, _, site = the_resource("Microsoft.Web/sites")
    assert site["properties"]["httpsOnly"] is True
    assert "cors" not in set(_keys(site))


def test_basic_auth_publishing_is_off_and_no_ftp_policy_is_set_on_flex() -> None:
    policies = resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
    assert {config["name"]: config["properties"]["allow"] for _, _, config in policies} == {"scm": False}
    assert not {config["name"] for _, _, config in policies} & FLEX_REJECTED_PUBLISHING_POLICIES


# ================================================================ tests: parameters and regions


def test_location_is_limited_to_regions_that_offer_flex_consumption_with_the_source_dated() -> None:
    parameter = parse(MAIN)["parameters"]["location"]
    allowed = next(d["argument"] for d in parameter["decorators"] if d["type"] == "allowed")
    assert len(allowed) >= 20 and len(set(allowed)) == len(allowed)
    assert all(re.fullmatch(r"[a-z]+[0-9]?", region) for region in allowed), allowed
    assert {"uksouth", "westeurope", "northeurope", "eastus"} <= set(allowed)
    assert not [region for region in allowed if region.endswith("euap")], "early-access regions hold no data"
    text = MAIN.read_text()
    comment = text[: text.index("param location")].rsplit("param ", 1)[-1]
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", comment), "say when the list was taken"
    assert "flex-consumption" in comment and "list-flexconsumption-locations" in comment


# Parameters azd always provides itself; they need no default.
AZD_PROVIDED = {"environmentName": "AZURE_ENV_NAME", "location": "AZURE_LOCATION"}


def test_every_parameter_has_a_working_default_or_is_one_azd_asks_for_and_the_readme_names() -> None:
    mapping = json.loads(PARAMETERS.read_text())["parameters"]
    readme = (INFRA / "README.md").read_text()
    for name, spec in parse(MAIN)["parameters"].items():
        if name in AZD_PROVIDED:
            assert spec["default"] is None
            assert mapping[name]["value"] == f"${{{AZD_PROVIDED[name]}}}"
            assert AZD_PROVIDED[name] in readme, f"infra/README.md must say {AZD_PROVIDED[name]} is required"
            continue
        assert spec["default"] is not None, f"{name} has no default: `azd provision --no-prompt` would fail"
        if name in mapping:
            variable = re.fullmatch(r"\$\{(\w+)(=.*)?\}", mapping[name]["value"])
            assert variable and variable.group(1) in readme, f"infra/README.md does not document {name}"


def test_mail_settings_may_be_left_empty_at_provisioning_and_the_readme_says_what_follows() -> None:
    parameters = parse(MAIN)["parameters"]
    assert parameters["mailFrom"]["default"] == "" and parameters["smtpHost"]["default"] == ""
    assert "mail_not_configured" in (INFRA / "README.md").read_text()


# ================================================================ tests: roles


def _role_id(path: Path, assignment: dict[str, Any]) -> str:
    """A built-in role's id, or "custom:<symbol>" for a role defined beside the assignment."""
    reference = assignment["properties"]["roleDefinitionId"]
    if "operator" in reference:
        operands = reference["operator"]["operands"]
        defined = parse(path)["resources"][operands["operand_1"]]
        assert defined["type"] == "Microsoft.Authorization/roleDefinitions" and not defined["existing"]
        assert operands["operand_2"] == "id"
        return f"custom:{operands['operand_1']}"
    role = reference["function"]
    assert role["type"] == "subscription_resource_id", "role id must be a built-in role"
    assert role["parameters"]["resource_type"] == "Microsoft.Authorization/roleDefinitions"
    name = role["parameters"]["resource_name_1"]
    variables = parse(path).get("variables") or {}
    return cast(str, variables[name]["value"] if name in variables else name)


def _scope_symbol(scope: Any) -> str:
    if isinstance(scope, str):
        return scope
    assert scope["operator"]["type"] == "index_accessor", scope
    return cast(str, scope["operator"]["operands"]["operand_1"])


def test_s41_the_identity_holds_exactly_the_least_roles_each_on_its_own_resource() -> None:
    granted = set()
    for path, name, assignment in resources("Microsoft.Authorization/roleAssignments"):
        scope = assignment.get("scope")
        assert scope is not None, f"{name} has no resource scope: it would apply to the resource group"
        symbol = _scope_symbol(scope)
        scoped = parse(path)["resources"][symbol]
        assert scoped["existing"], f"{name}: roles are scoped to looked-up resources"
        granted.add((_role_id(path, assignment), scoped["type"], symbol))
        assert assignment["properties"]["principalId"] == "principalId"
        assert assignment["properties"]["principalType"] == "ServicePrincipal"
    assert granted == EXPECTED_ROLES


def test_s41_blob_data_contributor_reaches_only_the_photo_and_export_containers() -> None:
    params = main_module("roles")["config"]["params"]
    assert [render(name) for name in params["containerNames"]] == [
        "photoStorage.outputs.photoContainerName",
        "photoStorage.outputs.exportContainerName",
    ]
    assert render(params["auditContainerName"]) == "photoStorage.outputs.auditContainerName"
    roles = parse(INFRA / "modules" / "roles.bicep")["resources"]
    assert render(roles["photoBlobService"]["config"]["parent"]) == "photoStorage"
    assert roles["containers"]["config"]["config"]["parent"] == "photoBlobService"
    assert roles["auditContainer"]["config"]["parent"] == "photoBlobService"


def test_s41_the_app_may_only_append_to_and_read_the_audit_archive_never_delete() -> None:
    path = INFRA / "modules" / "roles.bicep"
    (definition,) = [c for p, _, c in resources("Microsoft.Authorization/roleDefinitions") if p == path]
    (permissions,) = definition["properties"]["permissions"]
    blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"
    assert sorted(permissions["dataActions"]) == sorted(
        [f"{blobs}/read", f"{blobs}/write", f"{blobs}/add/action"]
    )
    assert permissions["actions"] == [] and definition["properties"]["type"] == "CustomRole"
    assert not any("delete" in action.lower() or "*" in action for action in permissions["dataActions"])
    assigned = [
        (a["scope"], _role_id(p, a)) for p, _, a in resources("Microsoft.Authorization/roleAssignments")
        if _role_id(p, a) == AUDIT_APPENDER
    ]  # fmt: skip
    assert assigned == [("auditContainer", AUDIT_APPENDER)]


def test_s41_blob_data_owner_is_held_only_on_the_host_storage_account() -> None:
    owners = [
        assignment
        for path, _, assignment in resources("Microsoft.Authorization/roleAssignments")
        if _role_id(path, assignment) == BLOB_DATA_OWNER
    ]
    assert len(owners) == 1 and owners[0]["scope"] == "hostStorage"


def test_no_owner_contributor_or_access_admin_role_appears_anywhere() -> None:
    for path in infra_files():
        text = path.read_text().lower()
        for role_id, role in FORBIDDEN_ROLES.items():
            assert role_id not in text, f"{path.name} mentions the {role} role"


def test_every_role_id_in_the_infrastructure_is_one_of_the_expected_ones() -> None:
    guid = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
    expected = {role_id for role_id, _, _ in EXPECTED_ROLES}
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
        # Fixed, not a parameter: shared/config.py refuses production mail without STARTTLS.
        "JOURNAL_SMTP_STARTTLS": "true",
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
        "AzureWebJobsStorage__accountName": "hostStorageName",
        "JournalStorage__tableServiceUri": "tableEndpoint",
        "JournalStorage__blobServiceUri": "blobEndpoint",
        "JournalStorage__queueServiceUri": "queueEndpoint",
        "JOURNAL_JWT_CURRENT_KID": "jwtCurrentKid",
        "JOURNAL_PEPPER_CURRENT": "pepperCurrent",
        "JOURNAL_SEALING_CURRENT": "sealingCurrent",
        "JOURNAL_MAIL_FROM": "mailFrom",
        "JOURNAL_SMTP_HOST": "smtpHost",
        "JOURNAL_SMTP_USERNAME": "smtpUsername",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "applicationInsightsConnectionString",
        "SECRETS_REVISION": "secretsRevision",
    }
    for setting, parameter in expected.items():
        assert settings[setting] == parameter and parameter in parameters, setting


def test_public_base_url_defaults_to_the_https_host_name_of_the_app() -> None:
    setting = app_settings()["JOURNAL_PUBLIC_BASE_URL"]["operator"]
    assert setting["type"] == "conditional"
    assert setting["operands"]["true_value"] == "https://${site.properties.defaultHostName}"
    assert setting["operands"]["false_value"] == "publicBaseUrl"


def test_no_storage_connection_string_or_flex_deprecated_setting() -> None:
    settings = app_settings()
    assert not FLEX_REJECTED_APP_SETTINGS & set(settings)
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
    # Fixed ids: the samples are random, and parallel workers must collect the same test names.
    ids=["account-key", "random-token", "yaml-password", "json-password", "connection-string", "sas-url"],
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


def test_azure_yaml_names_the_azd_version_that_deploys_to_flex_consumption() -> None:
    required = _yaml_mapping((ROOT / "azure.yaml").read_text())["requiredVersions"]["azd"].strip('"')
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)\.(\d+)", required)
    assert match and tuple(map(int, match.groups())) >= (1, 11, 0), required


def test_funcignore_keeps_tests_infra_and_local_files_out_of_the_package() -> None:
    ignored = {line.strip() for line in (ROOT / ".funcignore").read_text().splitlines()}
    for entry in ("tests/", "infra/", "var/", "node_modules/", ".venv/", "devhost/", "local.settings.json"):
        assert entry in ignored, entry
    for kept in ("function_app.py", "functions/", "shared/", "host.json", "requirements.txt"):
        assert kept not in ignored, kept
