// Every role the app's identity holds, each scoped to the one resource it is for, and each the
// least that the app needs there. Nothing at resource group or subscription scope, and no Owner,
// Contributor or other management role: the identity can read and write data, never change or
// delete the resources themselves. No data role spans two accounts.
//
// - Host storage: Storage Blob Data Owner, the role Microsoft documents as the minimum for
//   identity-based AzureWebJobsStorage (the host creates its containers and takes blob leases).
//   It reaches only this account, which holds no journal data.
// - Photo account: Storage Blob Delegator at the account, which is only
//   generateUserDelegationKey (a user delegation key is account-wide by definition), plus Storage
//   Blob Data Contributor on the photo and export containers alone. A SAS grants at most what the
//   signer's data role allows on the blob, so no SAS can reach another container.
// - Audit archive container: a custom role with only read, write and add (append block) on its
//   blobs: the app appends audit entries and reads them back for the manager's check, and can
//   delete nothing (no blobs/delete data action, no container action). The container's retention
//   policy (protected append writes) stops any rewrite of what is there.
// - Data account: Storage Table Data Contributor and Storage Queue Data Contributor.

@description('Principal (object) id of the user-assigned managed identity.')
param principalId string

@description('Name of the Functions host storage account.')
param hostStorageName string

@description('Name of the storage account that holds the journal tables and queues.')
param dataStorageName string

@description('Name of the storage account that holds the photo, export and audit-archive blobs.')
param photoStorageName string

@description('Names of the blob containers the app reads, writes and deletes in (photos, exports).')
param containerNames array

@description('Name of the audit archive container, which the app may only append to and read.')
param auditContainerName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Name of the Key Vault that holds the secrets of the app.')
param keyVaultName string

var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobDelegator = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var queueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var metricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var vaultReaderRole = '4633458b-17de-408a-b874-0445c86b69e6'

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource photoStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: photoStorageName
}

resource photoBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: photoStorage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for containerName in containerNames: {
  parent: photoBlobService
  name: containerName
}]

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: photoBlobService
  name: auditContainerName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource hostBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, blobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Blob Data Owner: Functions host storage and deployment package only'
  }
}

resource photoDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(photoStorage.id, principalId, blobDelegator)
  scope: photoStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDelegator)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Blob Delegator: user delegation keys for photo and export SAS links'
  }
}

resource containerDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (containerName, i) in containerNames: {
  name: guid(containers[i].id, principalId, blobDataContributor)
  scope: containers[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Blob Data Contributor: the ${containerName} container only'
  }
}]

// Append-only on the audit archive: no built-in data role lacks delete, so the app gets its own.
resource auditArchiveAppender 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'journal-audit-archive-appender')
  properties: {
    roleName: 'Journal audit archive appender (${resourceGroup().name})'
    description: 'Create append blobs, append blocks and read them back; never delete or change a container.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
        ]
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource auditArchiveAppend 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(auditContainer.id, principalId, 'journal-audit-archive-appender')
  scope: auditContainer
  properties: {
    roleDefinitionId: auditArchiveAppender.id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Journal audit archive appender: append to and read the audit-archive container only'
  }
}

resource dataTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, principalId, tableDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Table Data Contributor: the journal tables'
  }
}

resource dataQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, principalId, queueDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Queue Data Contributor: mail, reset and export queues and their triggers'
  }
}

// Monitoring Metrics Publisher: telemetry with Entra auth, since App Insights local auth is off.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, metricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Monitoring Metrics Publisher: Entra-authenticated telemetry'
  }
}

// Key Vault Secrets User: read-only access to secret values, for the Key Vault references.
resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, vaultReaderRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', vaultReaderRole)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Key Vault Secrets User: JOURNAL_JWT_KEYS, JOURNAL_PEPPERS, JOURNAL_SMTP_PASSWORD references'
  }
}
