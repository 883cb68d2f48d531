// The learning journal in Azure: one resource group holding a Flex Consumption function app that
// runs as a user-assigned managed identity inside a virtual network; three storage accounts (the
// Functions host's own, the journal's tables and queues, the journal's blobs); a Key Vault for
// the three secrets; and Log Analytics with Application Insights. Deployed with `azd up`; see
// infra/README.md.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource names and the resource group name.')
param environmentName string

// Regions that offer the Flex Consumption plan, as listed on 2026-12-02 in Microsoft's own azd
// template for Python on Flex (Azure-Samples/functions-quickstart-python-http-azd, infra/main.bicep),
// which follows the Learn page "Create and manage function apps in the Flex Consumption plan"
// (learn.microsoft.com/azure/azure-functions/flex-consumption-how-to, "View currently supported
// regions"); the Learn page itself could not be read from this build machine. The early-access
// region eastus2euap is left out. `az functionapp list-flexconsumption-locations` gives the live list.
@minLength(1)
@description('Azure region for every resource. It must offer the Flex Consumption plan, and suit where the children\'s data may be held.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Public https:// base URL of the journal (links in e-mails). Empty means the default host name of the function app.')
param publicBaseUrl string = ''

@description('Key id in the jwt-keys secret that signs new tokens.')
@minLength(1)
param jwtCurrentKid string = 'jwt-1'

@description('Pepper id in the peppers secret used for new password and PIN hashes.')
@minLength(1)
param pepperCurrent string = 'pepper-1'

@description('Key id in the sealing-keys secret that seals new authenticator secrets.')
@minLength(1)
param sealingCurrent string = 'sealing-1'

@description('Bump after changing a Key Vault secret so that the app reads the new version at once.')
@minLength(1)
param secretsRevision string = '1'

@description('Sender of every e-mail, e.g. "Learning Journal <no-reply@example.org>". Empty provisions fine, but the app then answers 503 and /api/health reports mail_not_configured until it is set.')
param mailFrom string = ''

@description('SMTP relay host name. Empty provisions fine, but the app then answers 503 and /api/health reports mail_not_configured until it is set.')
param smtpHost string = ''

@description('SMTP relay port.')
param smtpPort int = 587

@description('SMTP user name; empty when the relay needs no sign-in. The password lives in Key Vault as smtp-password.')
param smtpUsername string = ''

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('An operator address range (CIDR, e.g. 203.0.113.7/32) let through the Key Vault and data account firewalls for a task; empty (the default) lets nobody in from the internet.')
param operatorIpRange string = ''

@description('Days an entry in the audit archive container cannot be changed or deleted.')
@minValue(1)
@maxValue(3650)
param auditRetentionDays int = 400

@description('Upper bound on function app instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  workload: 'learning-journal'
}
var functionAppName = 'func-journal-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-journal-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-journal-${resourceToken}'
    applicationInsightsName: 'appi-journal-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-journal-${resourceToken}'
    location: location
    tags: tags
  }
}

module hostStorage 'modules/hoststorage.bicep' = {
  name: 'hoststorage'
  scope: rg
  params: {
    name: 'sthost${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    endpointSubnetId: network.outputs.endpointSubnetId
    zoneIds: {
      blob: network.outputs.blobZoneId
    }
  }
}

module dataStorage 'modules/datastorage.bicep' = {
  name: 'datastorage'
  scope: rg
  params: {
    name: 'stdata${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    endpointSubnetId: network.outputs.endpointSubnetId
    zoneIds: {
      queue: network.outputs.queueZoneId
      table: network.outputs.tableZoneId
    }
    workspaceId: monitoring.outputs.workspaceId
    operatorIpRange: operatorIpRange
  }
}

module photoStorage 'modules/photostorage.bicep' = {
  name: 'photostorage'
  scope: rg
  params: {
    name: 'stblob${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    workspaceId: monitoring.outputs.workspaceId
    auditRetentionDays: auditRetentionDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    endpointSubnetId: network.outputs.endpointSubnetId
    vaultZoneId: network.outputs.vaultZoneId
    operatorIpRange: operatorIpRange
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    hostStorageName: hostStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    photoStorageName: photoStorage.outputs.name
    containerNames: [
      photoStorage.outputs.photoContainerName
      photoStorage.outputs.exportContainerName
    ]
    auditContainerName: photoStorage.outputs.auditContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  // The app's first start needs its roles (host storage, Key Vault references); granting them
  // first avoids a round of start-up failures while role assignments propagate.
  dependsOn: [
    roles
  ]
  params: {
    name: functionAppName
    planName: 'plan-journal-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageName: hostStorage.outputs.name
    hostBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: hostStorage.outputs.deploymentContainerName
    blobEndpoint: photoStorage.outputs.blobEndpoint
    queueEndpoint: dataStorage.outputs.queueEndpoint
    tableEndpoint: dataStorage.outputs.tableEndpoint
    appSubnetId: network.outputs.appSubnetId
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    publicBaseUrl: publicBaseUrl
    jwtCurrentKid: jwtCurrentKid
    pepperCurrent: pepperCurrent
    sealingCurrent: sealingCurrent
    secretsRevision: secretsRevision
    mailFrom: mailFrom
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpUsername: smtpUsername
    maximumInstanceCount: maximumInstanceCount
  }
}

// azd stores these in the environment (`azd env get-values`); none of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = dataStorage.outputs.name
output AZURE_PHOTO_STORAGE_ACCOUNT_NAME string = photoStorage.outputs.name
output AZURE_STORAGE_TABLE_ENDPOINT string = dataStorage.outputs.tableEndpoint
output AZURE_STORAGE_BLOB_ENDPOINT string = photoStorage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = dataStorage.outputs.queueEndpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.publicBaseUrl
