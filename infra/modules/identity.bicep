// The one identity the function app runs as. User-assigned rather than system-assigned so that
// its role assignments and Key Vault access exist before the app first starts, and so that the
// same identity is named explicitly everywhere (AZURE_CLIENT_ID, __clientId, Key Vault references).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
