// The journal's blobs: photos, export files and the audit archive. This is the one store
// browsers talk to directly: the app hands them short-lived user delegation SAS links to photos
// and exports, so the account keeps its public endpoint (network rules apply to a whole account,
// which is why tables and queues live in a separate, closed account). What protects it instead:
// shared keys are off, so there is no account key and every SAS is a user delegation SAS signed
// with the app's Entra identity (SECURITY.md S28); anonymous access is off; every container is
// private; and every read is logged to Log Analytics.
//
// Deliberately WITHOUT blob soft delete, container soft delete, versioning, change feed or
// point-in-time restore. The retention purge must really delete children's photos: with any of
// these on, a "deleted" photo would live on as a soft-deleted blob or an old version that the app
// neither sees nor purges. See infra/README.md, "Why blob soft delete is off".
//
// The audit archive is the exception that proves the rule: a container under a time-based
// retention policy, so that nobody (the app identity included) can rewrite or delete an audit
// entry before its retention ends. Entries are only ever added (protected append writes).

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

@description('Log Analytics workspace that receives the read, write and delete log.')
param workspaceId string

@description('Days an audit archive entry cannot be changed or deleted.')
@minValue(1)
@maxValue(3650)
param auditRetentionDays int = 400

// The containers the app writes to (shared/domain/photos.py, shared/domain/exports.py) and the
// audit archive. Declared here so that the app's role can be scoped to each one.
var photoContainerName = 'photos'
var exportContainerName = 'exports'
var auditContainerName = 'audit-archive'

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
    // Browsers anywhere fetch photos with SAS links; see the header.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'None'
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

resource photoContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: photoContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource exportContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: exportContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: auditContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Unlocked when created, so that a wrong retention can still be corrected; an operator locks it
// once the value is right (infra/README.md, "Lock the audit archive"). Locked, not even the
// subscription owner can shorten it or delete the container before the last entry expires.
resource auditRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditRetentionDays
    allowProtectedAppendWrites: true
  }
}

resource blobReads 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'storage-reads-to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output photoContainerName string = photoContainer.name
output exportContainerName string = exportContainer.name
output auditContainerName string = auditContainer.name
