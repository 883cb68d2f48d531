// The learning journal in Azure: one resource group holding a Flex Consumption function app that
// runs as a user-assigned managed identity, one storage account (journal data, host storage,
// deployment package), a Key Vault for the three secrets, and Log Analytics with Application
// Insights. Deployed with `azd up`; see infra/README.md.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource names and the resource group name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. It must offer the Flex Consumption plan.')
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
param jwtCurrentKid string

@description('Pepper id in the peppers secret used for new password and PIN hashes.')
@minLength(1)
param pepperCurrent string

@description('Bump after changing a Key Vault secret so that the app reads the new version at once.')
@minLength(1)
param secretsRevision string = '1'

@description('Sender of every e-mail, e.g. "Learning Journal <no-reply@example.org>".')
@minLength(1)
param mailFrom string

@description('SMTP relay host name.')
@minLength(1)
param smtpHost string

@description('SMTP relay port.')
param smtpPort int = 587

@description('SMTP user name; empty when the relay needs no sign-in. The password lives in Key Vault as smtp-password.')
param smtpUsername string = ''

@description('Whether the app upgrades the SMTP connection with STARTTLS. Keep it on: mail carries reset and activation links.')
param smtpStartTls bool = true

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSkuName string = 'Standard_LRS'

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

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
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
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
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
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    publicBaseUrl: publicBaseUrl
    jwtCurrentKid: jwtCurrentKid
    pepperCurrent: pepperCurrent
    secretsRevision: secretsRevision
    mailFrom: mailFrom
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpUsername: smtpUsername
    smtpStartTls: smtpStartTls
    maximumInstanceCount: maximumInstanceCount
  }
}

// azd stores these in the environment (`azd env get-values`); none of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.publicBaseUrl
