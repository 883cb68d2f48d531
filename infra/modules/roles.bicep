// Every role the app's identity holds, each scoped to the one resource it is for. Nothing at
// resource group or subscription scope, and no Owner, Contributor or other management role:
// the identity can read and write data, never change or delete the resources themselves.

@description('Principal (object) id of the user-assigned managed identity.')
param principalId string

@description('Name of the storage account that holds the journal data and the host storage.')
param storageAccountName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Name of the Key Vault that holds the secrets of the app.')
param keyVaultName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Storage Table Data Contributor: settings, users, children, observations, sessions, audit log.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Table Data Contributor: the journal tables'
  }
}

// Storage Blob Data Owner, not Contributor. User delegation keys do NOT need it: every
// Storage Blob Data role (and Storage Blob Delegator) includes generateUserDelegationKey.
// Owner is needed because the same account is the Functions host storage (AzureWebJobsStorage,
// identity-based): Microsoft documents Storage Blob Data Owner as the minimum for host storage,
// which creates containers and takes blob leases for timer-trigger singletons and host keys. Over
// Contributor it adds only POSIX ACL management on accounts with a hierarchical namespace, which
// this account does not have. Photo blobs, deployment package and host storage all live here.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Blob Data Owner: photos, user delegation SAS, Functions host storage, deployment package'
  }
}

// Storage Queue Data Contributor: the mail queue, its queue trigger and the poison queue.
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Queue Data Contributor: mail queue and queue triggers'
  }
}

// Monitoring Metrics Publisher: telemetry with Entra auth, since App Insights local auth is off.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Monitoring Metrics Publisher: Entra-authenticated telemetry'
  }
}

// Key Vault Secrets User: read-only access to secret values, for the Key Vault references.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Key Vault Secrets User: JOURNAL_JWT_KEYS, JOURNAL_PEPPERS, JOURNAL_SMTP_PASSWORD references'
  }
}
