// The one storage account: the journal's tables, photo blobs and mail queue, the Functions host's
// own storage (AzureWebJobsStorage) and the Flex Consumption deployment package.
//
// Only Entra ID (the app's managed identity) can reach the data: shared keys are off, so there is
// no account key to leak and every SAS is a user delegation SAS (SECURITY.md S28).
//
// Deliberately WITHOUT blob soft delete, container soft delete, versioning, change feed or
// point-in-time restore. The retention purge must really delete children's photos: with any of
// these on, a "deleted" photo would live on as a soft-deleted blob or an old version that the app
// neither sees nor purges. See infra/README.md, "Why blob soft delete is off".

@description('Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Redundancy. Zone-redundant storage keeps the journal through the loss of one zone where the region offers it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param skuName string = 'Standard_LRS'

@description('Private container that Flex Consumption deploys the app package to.')
param deploymentContainerName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    isHnsEnabled: false
    // Reachable over the internet, but only with an Entra token or a user delegation SAS signed
    // with one: browsers fetch photos directly with short-lived SAS URLs, and Flex Consumption
    // without a virtual network reaches storage over its public endpoints.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Spelled out rather than left to defaults, so that a later "harmless" portal change shows up
    // as drift against this file. A purged photo must be gone, not recoverable (see the header).
    deleteRetentionPolicy: {
      enabled: false
    }
    containerDeleteRetentionPolicy: {
      enabled: false
    }
    isVersioningEnabled: false
    changeFeed: {
      enabled: false
    }
    restorePolicy: {
      enabled: false
    }
  }
}

// The app creates its own private containers on first use; only the deployment container is
// declared here. No container is ever public.
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deploymentContainerName string = deploymentContainer.name
